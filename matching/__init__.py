"""Kennisbrug's matching engine: a pure library (no app, FastAPI or SQLAlchemy).

Rank a question against an offer set: build an `OfferIndex` once per offer set, then
call `rank` per question. `question_text` / `offer_text` are the exact texts the
encoder embeds. Everything else lives in submodules that callers import directly:
`matching.encoders` (text encoders), `matching.evaluation` (offline metrics),
`matching.allocation` (capacity-respecting assignment), `matching.similar`
(duplicate questions), `matching.e5` (model conversion).
"""

from matching.config import DEFAULT_CONFIG, MatchConfig
from matching.errors import MatchingError
from matching.pipeline import OfferIndex, offer_text, question_text, rank
from matching.types import (
    Level,
    OfferInput,
    OfferKind,
    QuestionInput,
    Ranking,
    ScoredCandidate,
)

__all__ = [
    "DEFAULT_CONFIG",
    "Level",
    "MatchConfig",
    "MatchingError",
    "OfferIndex",
    "OfferInput",
    "OfferKind",
    "QuestionInput",
    "Ranking",
    "ScoredCandidate",
    "offer_text",
    "question_text",
    "rank",
]
