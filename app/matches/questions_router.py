"""Broker views on one question: candidates, similar questions, matches, history;
and the allocation proposal across all open questions."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query

from app.audit import service as audit
from app.deps import BrokerUser, EncoderDep, QuestionUser, SessionDep, TodayDep
from app.errors import error_responses
from app.matches import allocation, ranking, service
from app.matches.schemas import (
    AllocationRead,
    AllocationRequest,
    CandidatesRead,
    EventRead,
    MatchRead,
    SimilarQuestionRead,
)
from app.models import User
from app.questions import service as question_service

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


@router.get("/questions/{question_id:uuid}/matches", responses=_ERRORS)
def question_matches(
    question_id: uuid.UUID, session: SessionDep, user: QuestionUser
) -> list[MatchRead]:
    """A question's matches with their status. Staff of its city or the broker."""
    q = question_service.get_visible_question(session, question_id, user)
    return [service.match_read(m) for m in ranking.question_matches(session, q.id)]


def _actor_names(session: SessionDep, ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    return {i: u.name for i in ids if (u := session.get(User, i)) is not None}


@router.get("/questions/{question_id:uuid}/events", responses=_ERRORS)
def question_events(
    question_id: uuid.UUID, session: SessionDep, user: BrokerUser
) -> list[EventRead]:
    """The question's history, including its matches', oldest first. Broker."""
    q = question_service.get_visible_question(session, question_id, user)
    ids = [q.id, *(m.id for m in ranking.question_matches(session, q.id))]
    events = audit.list_events(session, entity_ids=ids)
    names = _actor_names(session, {e.actor_id for e in events if e.actor_id})
    return [
        EventRead(
            id=e.id,
            entity_type=e.entity_type,
            entity_id=e.entity_id,
            action=e.action,
            actor_name=names.get(e.actor_id) if e.actor_id else None,
            changes=e.changes,
            created_at=e.created_at,
        )
        for e in events
    ]


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
