"""Write and read the audit log: every state change of a question, offer or match."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from app.audit import repository
from app.models import Event, User
from app.users import repository as user_repository


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


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One event with the name of who caused it (None: the system or a visitor)."""

    event: Event
    actor_name: str | None


def history(session: Session, entity_ids: Iterable[uuid.UUID]) -> list[HistoryEntry]:
    """The events of these entities, oldest first, with their actors' names."""
    events = repository.list_events(session, entity_ids)
    names = user_repository.names(session, (e.actor_id for e in events if e.actor_id))
    return [
        HistoryEntry(e, names.get(e.actor_id) if e.actor_id else None) for e in events
    ]
