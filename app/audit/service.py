"""Write and read the audit log: every state change of a question, offer or match."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any, Protocol

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


class Audited(Protocol):
    """A city-bound row: a question, an offer, a match or an interest."""

    @property
    def id(self) -> uuid.UUID: ...

    @property
    def municipality_id(self) -> uuid.UUID: ...


def record_for(
    session: Session,
    entity_type: str,
    entity: Audited,
    *,
    actor: User | None,
    action: str,
    changes: Mapping[str, Any] | None = None,
) -> Event:
    """`record` for a city-bound row: its id and municipality come from the row."""
    return record(
        session,
        actor=actor,
        entity_type=entity_type,
        entity_id=entity.id,
        municipality_id=entity.municipality_id,
        action=action,
        changes=changes,
    )


def record_update(
    session: Session,
    entity_type: str,
    entity: Audited,
    *,
    actor: User | None,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> None:
    """Log an "updated" event with the changed fields, if any field changed."""
    changes = diff(before, after)
    if changes:
        record_for(
            session, entity_type, entity, actor=actor, action="updated", changes=changes
        )


def list_events(session: Session, *, entity_ids: Iterable[uuid.UUID]) -> list[Event]:
    ids = list(entity_ids)
    stmt = (
        select(Event)
        .where(Event.entity_id.in_(ids))
        .order_by(Event.created_at, Event.id)
    )
    return list(session.scalars(stmt))
