"""Every query on academic periods."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import AcademicPeriod, Offer
from app.offers import repository as offer_repository


def get(session: Session, period_id: uuid.UUID) -> AcademicPeriod | None:
    return session.get(AcademicPeriod, period_id)


def find(
    session: Session, institution_id: uuid.UUID, name: str
) -> AcademicPeriod | None:
    return session.scalars(
        select(AcademicPeriod).where(
            AcademicPeriod.institution_id == institution_id,
            AcademicPeriod.name == name,
        )
    ).first()


def list_periods(
    session: Session,
    *,
    municipality_id: uuid.UUID | None = None,
    institution_ids: list[uuid.UUID] | None = None,
) -> list[AcademicPeriod]:
    """Periods by start date; of institutions with offers serving a city (homed
    there or shared with it, as the city's candidates are), or of some."""
    stmt = select(AcademicPeriod)
    if municipality_id is not None:
        stmt = stmt.where(
            AcademicPeriod.institution_id.in_(
                select(Offer.institution_id).where(
                    offer_repository.serving(municipality_id)
                )
            )
        )
    if institution_ids is not None:
        stmt = stmt.where(AcademicPeriod.institution_id.in_(institution_ids))
    return list(
        session.scalars(
            stmt.order_by(
                AcademicPeriod.starts_on, AcademicPeriod.name, AcademicPeriod.id
            )
        )
    )


def next_after(
    session: Session, institution_id: uuid.UUID, day: date
) -> AcademicPeriod | None:
    """The institution's first period whose intake is still open after `day`."""
    for period in session.scalars(
        select(AcademicPeriod)
        .where(
            AcademicPeriod.institution_id == institution_id,
            AcademicPeriod.starts_on > day,
        )
        .order_by(AcademicPeriod.starts_on, AcademicPeriod.id)
    ):
        if period.intake_deadline is None or period.intake_deadline >= day:
            return period
    return None


def add(session: Session, period: AcademicPeriod) -> AcademicPeriod:
    session.add(period)
    session.flush()
    return period


def period_at(
    session: Session, institution_id: uuid.UUID, day: date
) -> AcademicPeriod | None:
    """The institution's period that runs on `day` (the latest starting, if several)."""
    return session.scalars(
        select(AcademicPeriod)
        .where(
            AcademicPeriod.institution_id == institution_id,
            AcademicPeriod.starts_on <= day,
            AcademicPeriod.ends_on >= day,
        )
        .order_by(AcademicPeriod.starts_on.desc(), AcademicPeriod.id)
    ).first()
