"""Match shapes: proposals, lifecycle steps, candidates and allocation proposals."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field


class MatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question_id: uuid.UUID
    offer_id: uuid.UUID


class RejectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=3, max_length=2_000)


class CancelRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str | None = Field(default=None, max_length=2_000)


class CompleteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome_summary: str = Field(
        min_length=10, max_length=5_000, description="The result in plain language."
    )
    result_url: AnyHttpUrl | None = Field(
        default=None, description="Link to the result."
    )
    rating: int | None = Field(
        default=None, ge=1, le=5, description="Owner's rating, 1-5."
    )
    remarks: str | None = Field(default=None, max_length=5_000)


class OfferSummary(BaseModel):
    id: uuid.UUID
    title: str
    kind: str
    institution: str
    level: str
    available_from: date | None
    available_until: date | None
    remaining_capacity: int
    status: str


class MatchRead(BaseModel):
    id: uuid.UUID
    question_id: uuid.UUID
    question_title: str
    offer: OfferSummary
    status: str
    score: float | None
    components: dict[str, Any]
    explanation: str
    engine_version: str | None
    model_name: str | None
    reason: str | None
    outcome_summary: str | None
    result_url: str | None
    rating: int | None
    remarks: str | None
    confirmed_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime


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


class EventRead(BaseModel):
    id: uuid.UUID
    entity_type: str
    entity_id: uuid.UUID
    action: str
    actor_name: str | None
    changes: dict[str, Any]
    created_at: datetime
