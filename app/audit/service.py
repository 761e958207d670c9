"""Write and read the audit log: every state change of a question, offer or match."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Event, User


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: object, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-safe values of `fields` on `obj`, for a before/after diff."""
    return {f: _jsonable(getattr(obj, f)) for f in fields}


def diff(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    """Only the fields that changed, as {"field": {"before": x, "after": y}}."""
    return {
        key: {"before": before.get(key), "after": after.get(key)}
        for key in sorted(set(before) | set(after))
        if before.get(key) != after.get(key)
    }


def record(
    session: Session,
    *,
    actor: User | None,
    entity_type: str,
    entity_id: uuid.UUID,
    municipality_id: uuid.UUID | None,
    action: str,
    changes: Mapping[str, Any] | None = None,
) -> Event:
    """Add an event to the session; it commits with the use case that caused it."""
    event = Event(
        actor_id=actor.id if actor else None,
        entity_type=entity_type,
        entity_id=entity_id,
        municipality_id=municipality_id,
        action=action,
        changes=dict(changes or {}),
    )
    session.add(event)
    return event


def list_events(session: Session, *, entity_ids: Iterable[uuid.UUID]) -> list[Event]:
    ids = list(entity_ids)
    stmt = (
        select(Event)
        .where(Event.entity_id.in_(ids))
        .order_by(Event.created_at, Event.id)
    )
    return list(session.scalars(stmt))
