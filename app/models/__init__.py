"""All ORM models; importing this package registers every table (for Alembic too)."""

from app.models.embedding import Embedding
from app.models.event import Event
from app.models.interest import Interest
from app.models.job import ScheduledJob
from app.models.match import HOLDING_STATUSES, MATCH_STATUSES, Match
from app.models.offer import LANGUAGES, LEVELS, OFFER_KINDS, OFFER_STATUSES, Offer
from app.models.outbox import MAIL_STATUSES, OutboxMail
from app.models.question import (
    EXPECTED_OUTPUTS,
    QUESTION_STATUSES,
    Question,
    QuestionLevel,
)
from app.models.user import ROLES, User
from app.models.vocabulary import Institution, Municipality, Neighbourhood, Theme

__all__ = [
    "EXPECTED_OUTPUTS",
    "HOLDING_STATUSES",
    "LANGUAGES",
    "LEVELS",
    "MAIL_STATUSES",
    "MATCH_STATUSES",
    "OFFER_KINDS",
    "OFFER_STATUSES",
    "QUESTION_STATUSES",
    "ROLES",
    "Embedding",
    "Event",
    "Institution",
    "Interest",
    "Match",
    "Municipality",
    "Neighbourhood",
    "Offer",
    "OutboxMail",
    "Question",
    "QuestionLevel",
    "ScheduledJob",
    "Theme",
    "User",
]
