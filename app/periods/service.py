"""Academic periods: institutions declare them; offers copy their dates."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.codes import Role
from app.models import AcademicPeriod, User
from app.periods import repository
from app.periods.errors import NotYourInstitution, PeriodNameTaken, PeriodNotFound
from app.periods.schemas import PeriodCreate
from app.vocab import service as vocab


def list_periods(
    session: Session, user: User, *, institution: str | None = None
) -> list[AcademicPeriod]:
    """Staff and brokers see the periods of institutions serving their city; others all."""
    ids = [vocab.resolve_institution(session, institution).id] if institution else None
    city = user.municipality_id if user.role in (Role.STAFF, Role.BROKER) else None
    return repository.list_periods(session, municipality_id=city, institution_ids=ids)


def create_period(
    session: Session, data: PeriodCreate, *, actor: User
) -> AcademicPeriod:
    """Declare a period; a second one with the same name at one institution is 409."""
    institution = vocab.institution_for(
        session, data.institution, actor, not_own=NotYourInstitution
    )
    if repository.find(session, institution.id, data.name) is not None:
        raise PeriodNameTaken(data.name, institution.name)
    period = AcademicPeriod(
        institution=institution,
        name=data.name,
        kind=data.kind,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        intake_deadline=data.intake_deadline,
    )
    try:
        with session.begin_nested():  # a parallel request may take the name first
            repository.add(session, period)
    except IntegrityError:
        raise PeriodNameTaken(data.name, institution.name) from None
    audit.record(
        session,
        actor=actor,
        entity_type="period",
        entity_id=period.id,
        municipality_id=None,
        action="created",
        changes={"name": {"before": None, "after": data.name}},
    )
    session.commit()
    return period


def period_of(
    session: Session, period_id: uuid.UUID, institution_id: uuid.UUID
) -> AcademicPeriod:
    """The period if it belongs to the institution; 422 naming `period_id` otherwise."""
    period = repository.get(session, period_id)
    if period is None or period.institution_id != institution_id:
        raise PeriodNotFound()
    return period
