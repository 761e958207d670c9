"""Question shapes: what staff send and what they get back."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal, Self

from pydantic import (
    AliasPath,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from app.codes import ExpectedOutput, Level, QuestionStatus
from app.schemas import (
    Email,
    IsoDate,
    ListOf,
    ORMRead,
    ReadVersion,
    SlugOf,
    SlugsOf,
    require_visible,
    window_reversed,
)

Slug = str


class _QuestionFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    context: str | None = Field(default=None, max_length=10_000)
    decision: str | None = Field(default=None, max_length=2_000)
    expected_output: ExpectedOutput | None = None
    department: str | None = Field(default=None, max_length=120)
    themes: list[Slug] | None = Field(default=None, max_length=10)
    levels: list[Level] | None = Field(default=None, max_length=3)
    neighbourhood: str | None = Field(
        default=None,
        max_length=120,
        description="District slug or a buurt name within it; null means citywide.",
    )
    wanted_from: IsoDate | None = None
    wanted_until: IsoDate | None = None
    wanted_matches: int | None = Field(default=None, ge=1, le=10)
    is_public: bool | None = None
    contact_name: str | None = Field(default=None, max_length=120)
    contact_email: Email | None = Field(default=None, max_length=254)

    _visible = field_validator("title", "contact_name", check_fields=False)(
        require_visible
    )

    @model_validator(mode="after")
    def _window_in_order(self) -> Self:
        if (
            self.wanted_from
            and self.wanted_until
            and self.wanted_until < self.wanted_from
        ):
            raise window_reversed("wanted_from", "wanted_until")
        return self


class QuestionCreate(_QuestionFields):
    title: str = Field(min_length=3, max_length=200)
    description: str = Field(min_length=1, max_length=10_000)
    status: Literal[QuestionStatus.DRAFT, QuestionStatus.SUBMITTED] = Field(
        default=QuestionStatus.DRAFT, description="Create as a draft or submit at once."
    )
    follows_id: uuid.UUID | None = Field(
        default=None, description="The earlier question this one follows up on."
    )


class SplitRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    levels: list[Level] = Field(
        min_length=2, max_length=3, description="One sub-question per level."
    )


class QuestionUpdate(_QuestionFields):
    title: str | None = Field(default=None, min_length=3, max_length=200)
    description: str | None = Field(default=None, min_length=1, max_length=10_000)
    version: ReadVersion = None


class TransitionRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    to: QuestionStatus
    note: str | None = Field(default=None, max_length=2_000)
    until: IsoDate | None = Field(
        default=None,
        description="With to=parked: the day the question opens again (after today).",
    )


class QuestionRead(ORMRead):
    id: uuid.UUID
    municipality: SlugOf
    title: str
    description: str
    context: str
    decision: str
    expected_output: str | None
    department: str | None
    themes: SlugsOf
    levels: ListOf
    neighbourhood: SlugOf | None
    wanted_from: date | None
    wanted_until: date | None
    wanted_matches: int
    is_public: bool
    status: str
    owner_id: uuid.UUID
    owner_name: str = Field(validation_alias=AliasPath("owner", "name"))
    contact_name: str | None
    contact_email: str | None
    submitted_at: datetime | None
    parent_id: uuid.UUID | None
    follows_id: uuid.UUID | None
    parked_until: date | None
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="Edit version; send it back with a PATCH.")
