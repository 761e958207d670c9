"""Public shapes of the student portal: assignments and results, never personal data.

Everything here is shown to anonymous visitors. These models name their fields one by
one (no `from_attributes` on ORM rows), so a new column on Question or Offer can never
leak into the portal by accident.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel

Lang = Literal["nl", "en"]


class ThemeLabel(BaseModel):
    slug: str
    label: str
    label_nl: str
    label_en: str


class NeighbourhoodLabel(BaseModel):
    slug: str
    name: str


class Placement(BaseModel):
    """A course or thesis place the assignment runs in: what, where, which level."""

    title: str
    kind: str
    institution: str
    institution_short_name: str
    level: str
    available_from: date | None
    available_until: date | None


class AssignmentRead(BaseModel):
    id: uuid.UUID
    municipality: str
    status: str
    title: str
    description: str
    context: str
    department: str | None
    expected_output: str | None
    themes: list[ThemeLabel]
    levels: list[str]
    neighbourhood: NeighbourhoodLabel | None
    wanted_from: date | None
    wanted_until: date | None
    placements: list[Placement]


class Outcome(BaseModel):
    """One completed match as the public sees it: no rating per match, no remarks."""

    offer_title: str
    kind: str
    institution: str
    level: str
    outcome_summary: str | None
    result_url: str | None
    completed_at: datetime | None


class ResultRead(BaseModel):
    id: uuid.UUID
    municipality: str
    title: str
    description: str
    expected_output: str | None
    themes: list[ThemeLabel]
    neighbourhood: NeighbourhoodLabel | None
    outcomes: list[Outcome]
    average_rating: float | None
    rating_count: int


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
