"""The audit log as the API shows it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from app.schemas import ORMRead


class EventRead(ORMRead):
    id: uuid.UUID
    entity_type: str
    entity_id: uuid.UUID
    action: str
    actor_name: str | None = None
    changes: dict[str, Any]
    created_at: datetime
