"""Accounts with one role each: staff, provider, broker or admin."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import Base, UTCDateTime
from app.models.mixins import EditVersionMixin, IdMixin, TimestampMixin
from app.models.vocabulary import Institution, Municipality


class User(IdMixin, TimestampMixin, EditVersionMixin, Base):
    """Staff and brokers belong to a municipality, providers to an institution."""

    __tablename__ = "users"

    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Carried in every token and session cookie; raising it (logout, password
    # change, deactivation) ends all of them at once.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # False: only essential mail (password reset and the like); see app/mail/service.py.
    wants_mail: Mapped[bool] = mapped_column(
        Boolean, default=True, server_default=true()
    )
    # When the last reset link was mailed: a link names it, so an earlier one
    # stops working once a newer one is sent (app/auth/reset.py).
    reset_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    department: Mapped[str | None] = mapped_column(String(120))
    municipality_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("municipalities.id"), index=True
    )
    institution_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("institutions.id"), index=True
    )

    municipality: Mapped[Municipality | None] = relationship(lazy="joined")
    institution: Mapped[Institution | None] = relationship(lazy="joined")
