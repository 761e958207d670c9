"""What an admin sends and gets back for a person's data (AVG access and erasure)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from app.schemas import Email


class ErasureRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    email: Email = Field(description="The person whose data is erased.")


class PersonExport(BaseModel):
    """Everything stored about one e-mail address (AVG art. 15)."""

    email: str
    exported_at: datetime
    accounts: list[dict[str, Any]]
    interests: list[dict[str, Any]]
    question_contacts: list[dict[str, Any]]
    offer_contacts: list[dict[str, Any]]
    audit_events: list[dict[str, Any]]


class ErasureReport(BaseModel):
    """What an erasure changed (AVG art. 17); the report itself names nobody."""

    accounts_anonymised: list[uuid.UUID]
    interests_deleted: int
    contact_fields_cleared: int
    audit_events_scrubbed: int


class PurgeReport(BaseModel):
    interests_deleted: int
    older_than: datetime
