"""An academic period (semester, blok, kwartiel, BPV period) an institution plans in."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.codes import PeriodKind, check_in
from app.db import Base
from app.models.mixins import IdMixin, TimestampMixin
from app.models.vocabulary import Institution


class AcademicPeriod(IdMixin, TimestampMixin, Base):
    """Named dates of one institution; offers copy them instead of typing dates."""

    __tablename__ = "academic_periods"
    __table_args__ = (
        UniqueConstraint("institution_id", "name"),
        CheckConstraint(check_in("kind", PeriodKind), name="kind"),
        CheckConstraint("ends_on >= starts_on", name="dates_in_order"),
    )

    institution_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("institutions.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    intake_deadline: Mapped[date | None] = mapped_column(Date)

    institution: Mapped[Institution] = relationship(lazy="joined")
