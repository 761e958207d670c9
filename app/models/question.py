"""The municipal question (vraag) and its accepted levels and themes."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.codes import Level, QuestionStatus, check_in
from app.db import Base, UTCDateTime
from app.models.mixins import EditVersionMixin, IdMixin, TimestampMixin
from app.models.user import User
from app.models.vocabulary import Municipality, Neighbourhood, Theme

question_themes = Table(
    "question_themes",
    Base.metadata,
    Column(
        "question_id",
        ForeignKey("questions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True, index=True),
)


class QuestionLevel(Base):
    """One education level a question accepts; no rows means any level."""

    __tablename__ = "question_levels"
    __table_args__ = (CheckConstraint(check_in("level", Level), name="level"),)

    question_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    level: Mapped[str] = mapped_column(String(3), primary_key=True)


def _level_row(level: str) -> QuestionLevel:
    return QuestionLevel(level=level)


class Question(IdMixin, TimestampMixin, EditVersionMixin, Base):
    __tablename__ = "questions"
    __table_args__ = (
        CheckConstraint(check_in("status", QuestionStatus), name="status"),
        CheckConstraint("wanted_matches >= 1", name="wanted_matches"),
    )

    municipality_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("municipalities.id"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    context: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(Text, default="")
    expected_output: Mapped[str | None] = mapped_column(String(20))
    department: Mapped[str | None] = mapped_column(String(120))
    neighbourhood_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("neighbourhoods.id"), index=True
    )
    wanted_from: Mapped[date | None] = mapped_column(Date)
    wanted_until: Mapped[date | None] = mapped_column(Date)
    wanted_matches: Mapped[int] = mapped_column(Integer, default=1)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(
        String(20), default=QuestionStatus.DRAFT, index=True
    )
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Lineage: a level-specific sub-question of a split question, and a follow-up
    # of an earlier question (work over several semesters stays one story).
    parent_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), index=True
    )
    follows_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("questions.id", ondelete="SET NULL"), index=True
    )
    # Set while the question is parked: the day it opens again by itself.
    parked_until: Mapped[date | None] = mapped_column(Date)

    municipality: Mapped[Municipality] = relationship(lazy="joined")
    neighbourhood: Mapped[Neighbourhood | None] = relationship(lazy="joined")
    owner: Mapped[User] = relationship(lazy="joined")
    themes: Mapped[list[Theme]] = relationship(
        secondary=question_themes, lazy="selectin", order_by=Theme.slug
    )
    level_rows: Mapped[list[QuestionLevel]] = relationship(
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by=QuestionLevel.level,
    )
    levels: AssociationProxy[list[str]] = association_proxy(
        "level_rows", "level", creator=_level_row
    )
