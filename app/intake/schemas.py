"""Intake help shapes: a draft question in, suggestions, hints and a team out."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.codes import ExpectedOutput, Level
from app.matches.schemas import OfferSummary
from app.schemas import IsoDate


class DraftQuestion(BaseModel):
    """What is typed so far; nothing is required to be complete or valid yet."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=10_000)
    context: str = Field(default="", max_length=10_000)
    decision: str = Field(default="", max_length=2_000)
    expected_output: ExpectedOutput | None = None
    themes: list[str] = Field(default_factory=list, max_length=10)
    levels: list[Level] = Field(default_factory=list, max_length=3)
    neighbourhood: str | None = Field(default=None, max_length=120)
    wanted_from: IsoDate | None = None
    wanted_until: IsoDate | None = None


class SuggestionRead(BaseModel):
    value: str = Field(description="Theme slug, level code or district slug.")
    label: str
    reason: str
    chosen: bool = Field(description="Already chosen in the draft.")


class SimilarRead(BaseModel):
    id: uuid.UUID
    title: str
    status: str
    similarity: float
    created_at: datetime
    department: str | None
    owner_name: str | None = Field(
        description="The question's owner (the city's own staff and broker only)."
    )
    outcomes: list[str]
    done_by: list[str] = Field(
        description="Offers and institutions of the completed matches."
    )


class HintRead(BaseModel):
    code: str
    text: str


class TeamOfferRead(BaseModel):
    offer: OfferSummary
    score: float
    explanation: str


class PackageRead(BaseModel):
    level: str
    role: str
    why: str
    offers: list[TeamOfferRead]


class AssistRead(BaseModel):
    themes: list[SuggestionRead]
    levels: list[SuggestionRead]
    neighbourhood: SuggestionRead | None
    similar: list[SimilarRead]
    hints: list[HintRead]
    packages: list[PackageRead] = Field(
        description="A proposed team across levels from capacity that exists now."
    )
    engine_version: str
    warning: str | None = None
