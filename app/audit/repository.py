"""Every query on the audit log."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Event


def list_events(session: Session, entity_ids: Iterable[uuid.UUID]) -> list[Event]:
    """The events of these entities, oldest first."""
    stmt = (
        select(Event)
        .where(Event.entity_id.in_(list(entity_ids)))
        .order_by(Event.created_at, Event.id)
    )
    return list(session.scalars(stmt))
