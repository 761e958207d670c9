"""A broker's or provider's decision on a pair, with the ranking they were shown.

Every confirm, reject and provider decline stores the ranked list as it stood at
that moment (offer, rank, score, components) and the engine that made it: the
labels the learned reranker trains on (app/learning).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.codes import DecisionOutcome, RejectReason, check_in
from app.db import Base, UTCDateTime, utcnow
from app.models.mixins import IdMixin


class Decision(IdMixin, Base):
    __tablename__ = "decisions"
    __table_args__ = (
        CheckConstraint(check_in("outcome", DecisionOutcome), name="outcome"),
        CheckConstraint(
            f"reason_code IS NULL OR {check_in('reason_code', RejectReason)}",
            name="reason_code",
        ),
    )

    municipality_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("municipalities.id"), index=True
    )
    question_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    offer_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("offers.id", ondelete="CASCADE")
    )
    match_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("matches.id", ondelete="SET NULL")
    )
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
    outcome: Mapped[str] = mapped_column(String(20))
    reason_code: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    engine_version: Mapped[str] = mapped_column(String(60))
    reranker_version: Mapped[str | None] = mapped_column(String(60))
    # [{"offer_id", "rank" (1-based), "score", "components"}], best first; the
    # decided offer is always in it (with rank null when it was not shown).
    shown: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime, default=utcnow, index=True
    )
