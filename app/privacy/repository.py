"""Every query the privacy use cases need: rows that hold or name one person."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import String, cast, delete, func, or_, select
from sqlalchemy.orm import Session

from app.models import Event, Interest, Offer, Question, User


def users_with_email(session: Session, email: str) -> list[User]:
    return list(session.scalars(select(User).where(func.lower(User.email) == email)))


def interests_with_email(session: Session, email: str) -> list[Interest]:
    return list(
        session.scalars(
            select(Interest)
            .where(func.lower(Interest.email) == email)
            .order_by(Interest.created_at, Interest.id)
        )
    )


def questions_with_contact(session: Session, email: str) -> list[Question]:
    return list(
        session.scalars(
            select(Question)
            .where(func.lower(Question.contact_email) == email)
            .order_by(Question.created_at, Question.id)
        )
    )


def offers_with_contact(session: Session, email: str) -> list[Offer]:
    return list(
        session.scalars(
            select(Offer)
            .where(func.lower(Offer.contact_email) == email)
            .order_by(Offer.created_at, Offer.id)
        )
    )


def events_naming(
    session: Session, needles: Iterable[str], actor_ids: Iterable[object]
) -> list[Event]:
    """Events whose changes contain any needle as text, or that the person made.

    A coarse text match on the JSON (lower-cased), narrowed by the caller to exact
    values: the audit log is small and this runs on a rare admin request.
    """
    text = func.lower(cast(Event.changes, String))
    # Stored JSON may escape non-ASCII ("Zo\\u00eb"): look for both spellings.
    forms = {f for n in needles if n for f in (n.lower(), json.dumps(n.lower())[1:-1])}
    conditions = [text.contains(f, autoescape=True) for f in sorted(forms)]
    ids = list(actor_ids)
    if ids:
        conditions.append(Event.actor_id.in_(ids))
    if not conditions:
        return []
    return list(
        session.scalars(
            select(Event).where(or_(*conditions)).order_by(Event.created_at, Event.id)
        )
    )


def delete_interests_before(session: Session, cutoff: datetime) -> int:
    result = session.execute(
        delete(Interest)
        .where(Interest.created_at < cutoff)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
