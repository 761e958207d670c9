"""The match lifecycle over HTTP. The city's broker; completing also the owner."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from app.codes import MatchStatus
from app.deps import BrokerUser, EncoderDep, QuestionUser, SessionDep, TodayDep
from app.errors import error_responses
from app.matches import service
from app.matches.schemas import (
    CancelRequest,
    CompleteRequest,
    MatchCreate,
    MatchRead,
    RejectRequest,
)
from app.schemas import LimitQuery, OffsetQuery, Page

router = APIRouter(prefix="/api/matches", tags=["matches"])

_ERRORS = error_responses(
    {
        401: "not authenticated",
        403: "wrong role",
        404: "no such match in your city",
        409: "invalid lifecycle step, or the offer is full",
        422: "invalid input",
    }
)


@router.post("", status_code=status.HTTP_201_CREATED, responses=_ERRORS)
def propose_match(
    data: MatchCreate,
    session: SessionDep,
    user: BrokerUser,
    encoder: EncoderDep,
    today: TodayDep,
) -> MatchRead:
    """Propose a (question, offer) pair; stores score, components and engine version. Broker."""
    m = service.propose_match(session, data, actor=user, encoder=encoder, today=today)
    return MatchRead.model_validate(m)


@router.get("", responses=_ERRORS)
def list_matches(
    session: SessionDep,
    user: BrokerUser,
    status: Annotated[list[MatchStatus] | None, Query()] = None,
    question_id: uuid.UUID | None = None,
    limit: LimitQuery = 20,
    offset: OffsetQuery = 0,
) -> Page[MatchRead]:
    """The city's matches, newest first, filtered by status or question. Broker."""
    rows, total = service.list_matches(
        session,
        user,
        statuses=list(status or []),
        question_id=question_id,
        limit=limit,
        offset=offset,
    )
    return Page(
        items=[MatchRead.model_validate(m) for m in rows],
        total=total,
        limit=limit,
        offset=offset,
    )


@router.get("/{match_id:uuid}", responses=_ERRORS)
def read_match(
    match_id: uuid.UUID, session: SessionDep, user: QuestionUser
) -> MatchRead:
    """One match. The city's broker or the question's owner."""
    return MatchRead.model_validate(
        service.get_visible_match(session, match_id, user, owner_allowed=True)
    )


@router.post("/{match_id:uuid}/confirm", responses=_ERRORS)
def confirm_match(
    match_id: uuid.UUID,
    session: SessionDep,
    user: BrokerUser,
    encoder: EncoderDep,
    today: TodayDep,
) -> MatchRead:
    """Confirm a proposal; takes a place, 409 naming the offer when it is full. Broker."""
    return MatchRead.model_validate(
        service.confirm_match(
            session, match_id, actor=user, encoder=encoder, today=today
        )
    )


@router.post("/{match_id:uuid}/reject", responses=_ERRORS)
def reject_match(
    match_id: uuid.UUID,
    data: RejectRequest,
    session: SessionDep,
    user: BrokerUser,
    encoder: EncoderDep,
    today: TodayDep,
) -> MatchRead:
    """Reject a proposal with a reason (and a reason code the ranker learns from).
    Broker."""
    return MatchRead.model_validate(
        service.reject_match(
            session, match_id, data, actor=user, encoder=encoder, today=today
        )
    )


@router.post("/{match_id:uuid}/start", responses=_ERRORS)
def start_match(
    match_id: uuid.UUID, session: SessionDep, user: BrokerUser
) -> MatchRead:
    """Mark a confirmed match as started. Broker."""
    return MatchRead.model_validate(service.start_match(session, match_id, actor=user))


@router.post("/{match_id:uuid}/complete", responses=_ERRORS)
def complete_match(
    match_id: uuid.UUID, data: CompleteRequest, session: SessionDep, user: QuestionUser
) -> MatchRead:
    """Record outcome, result link, rating and remarks. Broker or the question's owner."""
    return MatchRead.model_validate(
        service.complete_match(session, match_id, data, actor=user)
    )


@router.post("/{match_id:uuid}/cancel", responses=_ERRORS)
def cancel_match(
    match_id: uuid.UUID, data: CancelRequest, session: SessionDep, user: BrokerUser
) -> MatchRead:
    """Cancel an unfinished match; a held place is freed. Broker."""
    return MatchRead.model_validate(
        service.cancel_match(session, match_id, data, actor=user)
    )
