"""Interest shapes: what a student sends, and what only the broker reads back."""

from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic.config import JsonDict

from app.codes import Level
from app.schemas import Email, ORMRead, require_visible

# The same rule as _no_control_characters, for the OpenAPI schema; the validator
# stays, because its message is clearer than "should match pattern".
_ONE_LINE: JsonDict = {"pattern": r"^[^\u0000-\u001f\u007f-\u009f]*$"}


def _no_control_characters(value: str) -> str:
    if any(unicodedata.category(c) == "Cc" for c in value):
        raise ValueError("must be one line without control characters")
    return value


class InterestCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(
        min_length=2,
        max_length=120,
        description="Your name, on one line.",
        json_schema_extra=_ONE_LINE,
    )
    email: Email = Field(max_length=254, description="Where the broker replies.")
    institution: str = Field(
        min_length=2,
        max_length=120,
        description="Where you study, on one line.",
        json_schema_extra=_ONE_LINE,
    )
    level: Level = Field(description="Your level: mbo, hbo or wo.")
    motivation: str = Field(
        min_length=10,
        max_length=1_000,
        description="Why this assignment, in a few sentences (10-1000 characters).",
    )

    _single_line = field_validator("name", "institution")(_no_control_characters)
    _visible = field_validator("name", "institution")(require_visible)


CHECK_YOUR_MAIL = (
    "Bijna klaar: bevestig je belangstelling met de link in de e-mail die we je "
    "stuurden. Almost done: confirm your interest with the link in the e-mail we "
    "sent you."
)


class InterestReceipt(BaseModel):
    """The answer to a student, the same whether the address signed up before or
    not; nothing is echoed back."""

    assignment_id: uuid.UUID
    status: Literal["pending_confirmation"] = "pending_confirmation"
    detail: str = CHECK_YOUR_MAIL


class InterestConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=10, max_length=500, description="From the mail.")


class InterestConfirmed(BaseModel):
    status: Literal["confirmed"] = "confirmed"
    question_id: uuid.UUID


class InterestRead(ORMRead):
    id: uuid.UUID
    question_id: uuid.UUID
    name: str
    email: str
    institution: str
    level: str
    message: str
    created_at: datetime
    updated_at: datetime
