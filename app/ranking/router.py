"""Ranking over HTTP: a question's candidates and similar questions, and the
allocation proposal across all open questions."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from app.deps import BrokerUser, EncoderDep, QuestionUser, SessionDep, TodayDep
from app.errors import error_responses
from app.ranking import allocation
from app.ranking import service as ranking
from app.ranking.schemas import (
    AllocationRead,
    AllocationRequest,
    CandidatesRead,
    SimilarQuestionRead,
)

router = APIRouter(prefix="/api", tags=["broker"])

_ERRORS = error_responses(
    {
        401: "not authenticated",
        403: "wrong role",
        404: "no such question in your city",
        422: "invalid input",
        503: "embedding model failed",
    }
)


@router.get("/questions/{question_id:uuid}/candidates", responses=_ERRORS)
def question_candidates(
    question_id: uuid.UUID,
    session: SessionDep,
    user: BrokerUser,
    encoder: EncoderDep,
    today: TodayDep,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> CandidatesRead:
    """Ranked offers with score components and a Dutch explanation, plus near-misses. Broker."""
    return ranking.candidates(
        session, encoder, question_id, user=user, today=today, limit=limit
    )


@router.get("/questions/{question_id:uuid}/similar", responses=_ERRORS)
def similar_questions(
    question_id: uuid.UUID,
    session: SessionDep,
    user: QuestionUser,
    encoder: EncoderDep,
    limit: Annotated[int, Query(ge=1, le=20)] = 5,
) -> list[SimilarQuestionRead]:
    """Questions of the city like this one, with status and outcome. Broker or staff."""
    return ranking.similar(session, encoder, question_id, user=user, limit=limit)


@router.post("/allocation", responses=_ERRORS)
def propose_allocation(
    data: AllocationRequest,
    session: SessionDep,
    user: BrokerUser,
    encoder: EncoderDep,
    today: TodayDep,
) -> AllocationRead:
    """Best total set of pairs for all open questions within capacities; proposes only. Broker."""
    return allocation.propose_allocation(
        session, encoder, user=user, question_ids=data.question_ids, today=today
    )
