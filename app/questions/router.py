"""Questions over HTTP: staff of the question's municipality and its broker."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from app.audit.schemas import EventRead
from app.codes import QuestionStatus
from app.deps import BrokerUser, QuestionUser, SessionDep, SettingsDep, TodayDep
from app.errors import error_responses
from app.matches.schemas import MatchRead
from app.models import Match, Question, User
from app.questions import service
from app.questions.schemas import (
    QuestionCreate,
    QuestionRead,
    QuestionUpdate,
    SplitRequest,
    TransitionRequest,
)
from app.schemas import LimitQuery, OffsetQuery, Page

router = APIRouter(prefix="/api/questions", tags=["questions"])

_ERRORS = error_responses(
    {
        401: "not authenticated",
        403: "wrong role",
        404: "no such question in your municipality",
        422: "invalid input",
    }
)


# What of its matches only those who work on a question see (`service.works_on`).
_MATCH_PRIVATE = ("reason", "remarks", "responded_by_id")


def _read(q: Question, user: User) -> QuestionRead:
    read = QuestionRead.model_validate(q)
    if service.works_on(q, user):
        return read
    return read.model_copy(update=dict.fromkeys(service.CONTACT_FIELDS))


def _match_read(m: Match, user: User) -> MatchRead:
    read = MatchRead.model_validate(m)
    if service.works_on(m.question, user):
        return read
    return read.model_copy(update=dict.fromkeys(_MATCH_PRIVATE))


@router.post("", status_code=status.HTTP_201_CREATED, responses=_ERRORS)
def create_question(
    data: QuestionCreate, session: SessionDep, user: QuestionUser
) -> QuestionRead:
    """Create a question in your municipality. Staff or broker."""
    return _read(service.create_question(session, data, actor=user), user)


@router.get("", responses=_ERRORS)
def list_questions(
    session: SessionDep,
    user: QuestionUser,
    status: Annotated[list[QuestionStatus] | None, Query()] = None,
    theme: Annotated[str | None, Query(max_length=60)] = None,
    neighbourhood: Annotated[str | None, Query(max_length=120)] = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    mine: bool = False,
    limit: LimitQuery = 20,
    offset: OffsetQuery = 0,
) -> Page[QuestionRead]:
    """Your municipality's questions, newest first. Staff or broker."""
    rows, total = service.list_questions(
        session,
        user,
        statuses=list(status or []),
        theme=theme,
        neighbourhood=neighbourhood,
        q=q,
        mine=mine,
        limit=limit,
        offset=offset,
    )
    return Page(
        items=[_read(r, user) for r in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/{question_id:uuid}", responses=_ERRORS)
def read_question(
    question_id: uuid.UUID, session: SessionDep, user: QuestionUser
) -> QuestionRead:
    """One question. Staff of its municipality or its broker."""
    return _read(service.get_visible_question(session, question_id, user), user)


@router.patch(
    "/{question_id:uuid}",
    responses={**_ERRORS, **error_responses({409: "not editable"})},
)
def update_question(
    question_id: uuid.UUID,
    data: QuestionUpdate,
    session: SessionDep,
    user: QuestionUser,
) -> QuestionRead:
    """Edit a question that is not yet being worked on. Staff of its municipality or broker."""
    return _read(service.update_question(session, question_id, data, actor=user), user)


@router.post(
    "/{question_id:uuid}/transition",
    responses={**_ERRORS, **error_responses({409: "invalid lifecycle step"})},
)
def transition_question(
    question_id: uuid.UUID,
    data: TransitionRequest,
    session: SessionDep,
    settings: SettingsDep,
    user: QuestionUser,
    today: TodayDep,
) -> QuestionRead:
    """One lifecycle step, e.g. `{"to": "open"}`. The owner or the broker, per step.

    The broker parks a question with `{"to": "parked", "until": "2027-09-01"}`.
    """
    q = service.transition_question(
        session, question_id, data, actor=user, today=today, settings=settings
    )
    return _read(q, user)


@router.post(
    "/{question_id:uuid}/split",
    status_code=status.HTTP_201_CREATED,
    responses={**_ERRORS, **error_responses({409: "not splittable"})},
)
def split_question(
    question_id: uuid.UUID, data: SplitRequest, session: SessionDep, user: BrokerUser
) -> list[QuestionRead]:
    """Split into one sub-question per level, linked by `parent_id`. Broker."""
    return [
        _read(q, user)
        for q in service.split_question(session, question_id, data, actor=user)
    ]


@router.get("/{question_id:uuid}/matches", responses=_ERRORS)
def question_matches(
    question_id: uuid.UUID, session: SessionDep, user: QuestionUser
) -> list[MatchRead]:
    """A question's matches with their status. Staff of its city or the broker."""
    return [
        _match_read(m, user)
        for m in service.question_matches(session, question_id, user=user)
    ]


@router.get("/{question_id:uuid}/events", responses=_ERRORS)
def question_events(
    question_id: uuid.UUID, session: SessionDep, user: BrokerUser
) -> list[EventRead]:
    """The question's history, including its matches', oldest first. Broker."""
    return [
        EventRead.model_validate(entry.event).model_copy(
            update={"actor_name": entry.actor_name}
        )
        for entry in service.history(session, question_id, user=user)
    ]
