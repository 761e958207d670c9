"""Every query on interests."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, select, update
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
    """Unconfirmed interests whose last link was sent before `cutoff`: by
    updated_at, which a repeated sign-up moves on, so a link sent again is not
    deleted before it expires."""
    result = session.execute(
        delete(Interest)
        .where(Interest.confirmed_at.is_(None), Interest.updated_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def add(session: Session, interest: Interest) -> Interest:
    session.add(interest)
    session.flush()
    return interest


def mark_confirmed(session: Session, interest_id: uuid.UUID, *, at: datetime) -> bool:
    """Confirm once, in one guarded UPDATE; False if it was confirmed already or
    is gone (erased or purged meanwhile)."""
    result = session.execute(
        update(Interest)
        .where(Interest.id == interest_id, Interest.confirmed_at.is_(None))
        .values(confirmed_at=at)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


def exists(session: Session, interest_id: uuid.UUID) -> bool:
    """Whether the row is still stored (not what this session remembers)."""
    found = session.scalar(select(Interest.id).where(Interest.id == interest_id))
    return found is not None


def mark_handled(
    session: Session,
    interest_id: uuid.UUID,
    question_id: uuid.UUID,
    *,
    by: uuid.UUID,
    at: datetime,
) -> bool:
    """Set handled once, in one guarded UPDATE; False if it was handled already
    (or is not a confirmed interest in this question)."""
    result = session.execute(
        update(Interest)
        .where(
            Interest.id == interest_id,
            Interest.question_id == question_id,
            Interest.confirmed_at.is_not(None),
            Interest.handled_at.is_(None),
        )
        .values(handled_at=at, handled_by_id=by)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]
