"""Academic period shapes."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Self

from pydantic import (
    AliasPath,
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from app.codes import PeriodKind
from app.schemas import IsoDate, ORMRead, window_reversed


class PeriodCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    institution: str | None = Field(
        default=None,
        max_length=120,
        description="Admins name the institution; providers declare for their own.",
    )
    name: str = Field(min_length=2, max_length=80, examples=["blok 3"])
    kind: PeriodKind
    starts_on: IsoDate
    ends_on: IsoDate
    intake_deadline: IsoDate | None = Field(
        default=None, description="Last day a question can still join this period."
    )

    @model_validator(mode="after")
    def _dates_in_order(self) -> Self:
        if self.ends_on < self.starts_on:
            raise window_reversed("starts_on", "ends_on")
        return self

    @field_validator("intake_deadline")
    @classmethod
    def _intake_before_start(
        cls, value: date | None, info: ValidationInfo
    ) -> date | None:
        """As for an offer, joining closes before the period starts: otherwise every
        offer that picks the period is refused on a date its provider never typed."""
        start = info.data.get("starts_on")
        if value is not None and start is not None and start < value:
            raise PydanticCustomError(
                "intake_after_start", "must not be after starts_on"
            )
        return value


class PeriodRead(ORMRead):
    id: uuid.UUID
    institution: str = Field(validation_alias=AliasPath("institution", "name"))
    institution_short_name: str = Field(
        validation_alias=AliasPath("institution", "short_name")
    )
    name: str
    kind: str
    starts_on: date
    ends_on: date
    intake_deadline: date | None
