"""Ranking shapes: candidates with their evidence, allocation, similar questions."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.matches.schemas import OfferSummary


class CandidateRead(BaseModel):
    offer: OfferSummary
    score: float
    components: dict[str, float]
    reasons: list[str]
    explanation: str
    match_id: uuid.UUID | None = Field(
        default=None, description="The existing match for this pair, if any."
    )
    match_status: str | None = None


class ExcludedRead(BaseModel):
    offer: OfferSummary
    rule: str
    label: str
    score: float


class CandidatesRead(BaseModel):
    question_id: uuid.UUID
    engine_version: str
    model_name: str | None
    warning: str | None = Field(
        default=None, description="Set when ranking ran without the embedding model."
    )
    candidates: list[CandidateRead]
    excluded: list[ExcludedRead]
    lead_time: str | None = Field(
        default=None,
        description="Dutch flag when the question is too late for the intake of "
        "offers it fits, naming the next chance.",
    )
    ranker: str = Field(
        default="default",
        description="'default', or the LearnedRanker version that ordered the list.",
    )
    learned_from: int | None = Field(
        default=None, description="Decisions the active learned model was trained on."
    )


class AllocationRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question_ids: list[uuid.UUID] | None = Field(
        default=None,
        max_length=5_000,
        description="Questions to allocate; default all open questions of your city.",
    )


class AllocationPair(BaseModel):
    question_id: uuid.UUID
    question_title: str
    offer: OfferSummary
    score: float
    explanation: str


class AllocationRead(BaseModel):
    engine_version: str
    pairs: list[AllocationPair]
    total_score: float
    questions_considered: int
    questions_served: int
    warning: str | None = None


class SimilarQuestionRead(BaseModel):
    id: uuid.UUID
    title: str
    status: str
    similarity: float
    created_at: datetime
    outcomes: list[str]
