"""A proposed or confirmed pairing of a question with an offer, and its outcome."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.codes import MatchStatus, check_in
from app.db import Base, UTCDateTime
from app.models.mixins import IdMixin, TimestampMixin
from app.models.offer import Offer
from app.models.question import Question
from app.models.user import User


class Match(IdMixin, TimestampMixin, Base):
    __tablename__ = "matches"
    __table_args__ = (
        UniqueConstraint("question_id", "offer_id"),
        CheckConstraint(check_in("status", MatchStatus), name="status"),
        CheckConstraint(
            "rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating"
        ),
    )

    municipality_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("municipalities.id"), index=True
    )
    question_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    offer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("offers.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(
        String(20), default=MatchStatus.PROPOSED, index=True
    )
    # The offer's edition whose place this match holds (or would hold).
    edition: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    score: Mapped[float | None] = mapped_column(Float)
    components: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    explanation: Mapped[str] = mapped_column(Text, default="")
    engine_version: Mapped[str | None] = mapped_column(String(60))
    model_name: Mapped[str | None] = mapped_column(String(200))
    # LearnedRanker.version when a learned reranker ordered the candidates.
    reranker_version: Mapped[str | None] = mapped_column(String(60))
    proposed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    # The provider answers by this date, or the proposal expires (the broker may
    # still confirm directly, e.g. after a phone call).
    respond_before: Mapped[date | None] = mapped_column(Date)
    responded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    outcome_summary: Mapped[str | None] = mapped_column(Text)
    result_url: Mapped[str | None] = mapped_column(String(500))
    rating: Mapped[int | None] = mapped_column(Integer)
    remarks: Mapped[str | None] = mapped_column(Text)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    question: Mapped[Question] = relationship(lazy="raise")
    offer: Mapped[Offer] = relationship(lazy="raise")
    proposed_by: Mapped[User | None] = relationship(
        lazy="raise", foreign_keys=[proposed_by_id]
    )
    responded_by: Mapped[User | None] = relationship(
        lazy="raise", foreign_keys=[responded_by_id]
    )
