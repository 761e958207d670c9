"""Every query on interests."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Interest


def get_by_email(
    session: Session, question_id: uuid.UUID, email: str
) -> Interest | None:
    stmt = select(Interest).where(
        Interest.question_id == question_id, Interest.email == email.lower()
    )
    return session.scalars(stmt).first()


def list_for_question(session: Session, question_id: uuid.UUID) -> list[Interest]:
    stmt = (
        select(Interest)
        .where(Interest.question_id == question_id)
        .order_by(Interest.created_at, Interest.id)
    )
    return list(session.scalars(stmt))


def add(session: Session, interest: Interest) -> Interest:
    session.add(interest)
    session.flush()
    return interest
