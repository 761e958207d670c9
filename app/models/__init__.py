"""All ORM models; importing this package registers every table (for Alembic too)."""

from app.models.decision import Decision
from app.models.embedding import Embedding
from app.models.event import Event
from app.models.interest import Interest
from app.models.job import ScheduledJob
from app.models.learned_model import LearnedModel
from app.models.match import Match
from app.models.offer import Offer, RankingStamp
from app.models.outbox import OutboxMail
from app.models.period import AcademicPeriod
from app.models.question import Question, QuestionLevel
from app.models.user import User
from app.models.vocabulary import (
    FocusTheme,
    Institution,
    Municipality,
    Neighbourhood,
    Theme,
)

__all__ = [
    "AcademicPeriod",
    "Decision",
    "Embedding",
    "Event",
    "FocusTheme",
    "Institution",
    "Interest",
    "LearnedModel",
    "Match",
    "Municipality",
    "Neighbourhood",
    "Offer",
    "OutboxMail",
    "Question",
    "QuestionLevel",
    "RankingStamp",
    "ScheduledJob",
    "Theme",
    "User",
]

# The ranking stamp's listeners (registered on import, like the tables).
from app.models import stamp as _stamp

del _stamp
