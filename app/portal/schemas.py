"""Public shapes of the student portal: assignments and results, never personal data.

Everything here is shown to anonymous visitors. The models read ORM rows, but only
the fields they name one by one, so a new column on Question or Offer can never leak
into the portal by accident (a test lists the public fields).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal, Self

from pydantic import AliasPath, BaseModel, Field, ValidationInfo, model_validator

from app.schemas import ListOf, ORMRead, SlugOf

Lang = Literal["nl", "en"]


class ThemeLabel(ORMRead):
    """A theme with its label in the page's language (validation context `lang`)."""

    slug: str
    label: str = ""
    label_nl: str
    label_en: str

    @model_validator(mode="after")
    def _in_language(self, info: ValidationInfo) -> Self:
        lang = (info.context or {}).get("lang", "nl")
        self.label = self.label_en if lang == "en" else self.label_nl
        return self


class NeighbourhoodLabel(ORMRead):
    slug: str
    name: str


class Placement(ORMRead):
    """A course or thesis place the assignment runs in (read from the offer)."""

    title: str
    kind: str
    institution: str = Field(validation_alias=AliasPath("institution", "name"))
    institution_short_name: str = Field(
        validation_alias=AliasPath("institution", "short_name")
    )
    level: str
    available_from: date | None
    available_until: date | None


class AssignmentRead(ORMRead):
    id: uuid.UUID
    municipality: SlugOf
    status: str
    title: str
    description: str
    context: str
    department: str | None
    expected_output: str | None
    themes: list[ThemeLabel]
    levels: ListOf
    neighbourhood: NeighbourhoodLabel | None
    wanted_from: date | None
    wanted_until: date | None
    placements: list[Placement] = Field(default_factory=list)


class Outcome(ORMRead):
    """One completed match as the public sees it: no rating per match, no remarks."""

    offer_title: str = Field(validation_alias=AliasPath("offer", "title"))
    kind: str = Field(validation_alias=AliasPath("offer", "kind"))
    institution: str = Field(validation_alias=AliasPath("offer", "institution", "name"))
    level: str = Field(validation_alias=AliasPath("offer", "level"))
    outcome_summary: str | None
    result_url: str | None
    completed_at: datetime | None


class ResultRead(ORMRead):
    id: uuid.UUID
    municipality: SlugOf
    title: str
    description: str
    expected_output: str | None
    themes: list[ThemeLabel]
    neighbourhood: NeighbourhoodLabel | None
    outcomes: list[Outcome] = Field(default_factory=list)
    average_rating: float | None = None
    rating_count: int = 0


class FacetCount(BaseModel):
    slug: str
    label: str
    count: int


class ResultsPage(BaseModel):
    """A page of results plus counts per theme and neighbourhood over all results."""

    items: list[ResultRead]
    total: int
    limit: int
    offset: int
    themes: list[FacetCount]
    neighbourhoods: list[FacetCount]
