"""Match shapes: proposals, lifecycle steps, candidates and allocation proposals."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import (
    AliasPath,
    AnyHttpUrl,
    BaseModel,
    ConfigDict,
    Field,
    UrlConstraints,
)

from app.codes import RejectReason
from app.models import Offer
from app.offers.editions import current_edition
from app.schemas import ORMRead


class MatchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question_id: uuid.UUID
    offer_id: uuid.UUID


class RejectRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=3, max_length=2_000)
    reason_code: RejectReason | None = Field(
        default=None,
        description="Why, as a code the ranker learns from: topic, level, timing, "
        "capacity, fit or other.",
    )


class DeclineRequest(BaseModel):
    """The provider's answer "no", with why (the broker reads it; it also feeds the
    learned ranking)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=3, max_length=2_000)
    reason_code: RejectReason | None = Field(
        default=None,
        description="topic, level, timing, capacity, fit or other.",
    )


class CancelRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str | None = Field(default=None, max_length=2_000)


class CompleteRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome_summary: str = Field(
        min_length=10, max_length=5_000, description="The result in plain language."
    )
    result_url: Annotated[AnyHttpUrl, UrlConstraints(max_length=500)] | None = Field(
        default=None, description="Link to the result (at most 500 characters)."
    )
    rating: int | None = Field(
        default=None, ge=1, le=5, description="Owner's rating, 1-5."
    )
    remarks: str | None = Field(default=None, max_length=5_000)


class OfferSummary(ORMRead):
    id: uuid.UUID
    title: str
    description: str = ""
    kind: str
    institution: str = Field(validation_alias=AliasPath("institution", "name"))
    level: str
    available_from: date | None
    available_until: date | None
    remaining_capacity: int
    status: str
    edition: int = 0
    intake_deadline: date | None = None

    @classmethod
    def at(cls, offer: Offer, today: date) -> OfferSummary:
        """The offer as it stands on `today`: its current edition's dates and places."""
        edition = current_edition(offer, today)
        return cls.model_validate(offer).model_copy(
            update={
                "edition": edition.number,
                "available_from": edition.available_from,
                "available_until": edition.available_until,
                "intake_deadline": edition.intake_deadline,
                "remaining_capacity": edition.remaining_capacity,
            }
        )


class MatchRead(ORMRead):
    id: uuid.UUID
    question_id: uuid.UUID
    question_title: str = Field(validation_alias=AliasPath("question", "title"))
    question_department: str | None = Field(
        default=None, validation_alias=AliasPath("question", "department")
    )
    offer: OfferSummary
    status: str
    score: float | None
    components: dict[str, Any]
    explanation: str
    engine_version: str | None
    reranker_version: str | None = Field(
        default=None,
        description="The learned ranker that scored the proposal (null: the default "
        "engine).",
    )
    model_name: str | None
    reason: str | None
    respond_before: date | None = Field(
        default=None, description="The provider answers a proposal by this date."
    )
    responded_by_id: uuid.UUID | None = None
    responded_at: datetime | None = None
    outcome_summary: str | None
    result_url: str | None
    rating: int | None
    remarks: str | None
    confirmed_at: datetime | None
    completed_at: datetime | None
    created_at: datetime
    updated_at: datetime
