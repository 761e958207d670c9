"""Mails waiting for (or done with) delivery: written in the transaction of the change
that causes them, sent later by the mail job (app/mail/delivery.py)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.codes import MailStatus, check_in
from app.db import Base, UTCDateTime, utcnow
from app.models.mixins import IdMixin


class OutboxMail(IdMixin, Base):
    """One rendered mail. `dedupe_key` names the logical mail, so it is queued once."""

    __tablename__ = "outbox_mails"
    __table_args__ = (
        CheckConstraint(
            check_in("status", MailStatus),
            name="status",
        ),
        CheckConstraint("attempts >= 0", name="attempts"),
        # The delivery query: due pending mail and expired claims, oldest first.
        Index("ix_outbox_mails_status_next_attempt_at", "status", "next_attempt_at"),
    )

    to_address: Mapped[str] = mapped_column(String(254))
    to_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(255))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    is_essential: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(10), default=MailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # While status is 'sending': the claim of one worker; past it the mail is due
    # again (the worker died between claiming and marking it sent).
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
