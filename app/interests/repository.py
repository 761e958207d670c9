"""Every query on interests."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models import Interest


def get_by_email(
    session: Session, question_id: uuid.UUID, email: str
) -> Interest | None:
    stmt = select(Interest).where(
        Interest.question_id == question_id, Interest.email == email.lower()
    )
    return session.scalars(stmt).first()


def get(session: Session, interest_id: uuid.UUID) -> Interest | None:
    return session.get(Interest, interest_id)


def list_for_question(session: Session, question_id: uuid.UUID) -> list[Interest]:
    """The confirmed interests (double opt-in), oldest first."""
    stmt = (
        select(Interest)
        .where(Interest.question_id == question_id, Interest.confirmed_at.is_not(None))
        .order_by(Interest.created_at, Interest.id)
    )
    return list(session.scalars(stmt))


def delete_unconfirmed_before(session: Session, cutoff: datetime) -> int:
    result = session.execute(
        delete(Interest)
        .where(Interest.confirmed_at.is_(None), Interest.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def add(session: Session, interest: Interest) -> Interest:
    session.add(interest)
    session.flush()
    return interest
