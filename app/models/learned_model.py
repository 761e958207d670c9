"""A reranker learned from one city's decisions (or from all cities), versioned.

`kennisbrug learn` stores one row per training run that passed its guard; the
newest row of a city is its active model (matching.learning.LearnedRanker).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow
from app.models.mixins import IdMixin


class LearnedModel(IdMixin, Base):
    __tablename__ = "learned_models"

    # None: trained on the decisions of every city (the fallback model).
    municipality_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[str] = mapped_column(String(60))
    engine_version: Mapped[str] = mapped_column(String(60))
    decisions: Mapped[int] = mapped_column(Integer)
    questions: Mapped[int] = mapped_column(Integer)
    # LearnedRanker.to_json(): coefficients, validation figures, version.
    ranker: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, index=True
    )
