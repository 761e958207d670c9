"""A student's expression of interest in a public question; visible to brokers only."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime
from app.models.mixins import IdMixin, TimestampMixin


class Interest(IdMixin, TimestampMixin, Base):
    """`email` is stored in lower case; one interest per address and question."""

    __tablename__ = "interests"
    __table_args__ = (UniqueConstraint("question_id", "email"),)

    municipality_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("municipalities.id"), index=True
    )
    question_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    institution: Mapped[str] = mapped_column(String(120))
    level: Mapped[str] = mapped_column(String(3))
    message: Mapped[str] = mapped_column(Text, default="")
    # Set when the student followed the mailed link (double opt-in): only then does
    # the interest count and does the broker see it.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set once the broker followed the student up ("behandeld"); who did it.
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"))
