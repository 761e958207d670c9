"""Every query the privacy use cases need: rows that hold or name one person."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterator
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from app.models import Event, Interest, Offer, Question, User


def users_with_email(session: Session, email: str) -> list[User]:
    return list(session.scalars(select(User).where(func.lower(User.email) == email)))


def interests_with_email(session: Session, emails: Collection[str]) -> list[Interest]:
    return list(
        session.scalars(
            select(Interest)
            .where(func.lower(Interest.email).in_(emails))
            .order_by(Interest.created_at, Interest.id)
        )
    )


def questions_with_contact(session: Session, emails: Collection[str]) -> list[Question]:
    return list(
        session.scalars(
            select(Question)
            .where(func.lower(Question.contact_email).in_(emails))
            .order_by(Question.created_at, Question.id)
        )
    )


def offers_with_contact(session: Session, emails: Collection[str]) -> list[Offer]:
    return list(
        session.scalars(
            select(Offer)
            .where(func.lower(Offer.contact_email).in_(emails))
            .order_by(Offer.created_at, Offer.id)
        )
    )


def stream_events(session: Session) -> Iterator[Event]:
    """Every audit event, oldest first, fetched in batches.

    The caller filters on the decoded `changes`: the stored JSON text may escape
    non-ASCII ("\\u00d6" for "Ö") and no SQL lower() folds an escape's case, so a
    text match misses spellings. A rare admin request scans the log once.
    """
    return iter(
        session.scalars(
            select(Event)
            .order_by(Event.created_at, Event.id)
            .execution_options(yield_per=500)
        )
    )


def account_events(session: Session, user_ids: Collection[uuid.UUID]) -> list[Event]:
    """The accounts' own history (created, updated): their earlier values."""
    if not user_ids:
        return []
    return list(
        session.scalars(
            select(Event).where(
                Event.entity_type == "user", Event.entity_id.in_(user_ids)
            )
        )
    )


def delete_interests_before(session: Session, cutoff: datetime) -> int:
    result = session.execute(
        delete(Interest)
        .where(Interest.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
