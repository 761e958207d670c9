"""The match lifecycle over HTTP: the city's broker proposes and steers; providers
of the offer's institution accept or decline; the question's owner completes."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, status

from app.codes import MatchStatus
from app.deps import (
    AnyMatchUser,
    BrokerUser,
    EnvDep,
    MatchReader,
    ProviderUser,
    QuestionUser,
    SessionDep,
    SettingsDep,
)
from app.errors import error_responses
from app.matches import service
from app.matches.schemas import (
    CancelRequest,
    CompleteRequest,
    DeclineRequest,
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
    data: MatchCreate, session: SessionDep, user: BrokerUser, env: EnvDep
) -> MatchRead:
    """Propose a (question, offer) pair; stores score, components and engine
    version, and asks the offer's owner by mail to answer. Broker."""
    m = service.propose_match(session, data, actor=user, env=env)
    return MatchRead.model_validate(m)


@router.get("", responses=_ERRORS)
def list_matches(
    session: SessionDep,
    user: MatchReader,
    status: Annotated[list[MatchStatus] | None, Query()] = None,
    question_id: uuid.UUID | None = None,
    limit: LimitQuery = 20,
    offset: OffsetQuery = 0,
) -> Page[MatchRead]:
    """Matches, newest first, filtered by status or question: the city's for its
    broker; for a provider those of the institution's offers (`status=proposed`:
    the proposals waiting for an answer). Broker or provider."""
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
    match_id: uuid.UUID, session: SessionDep, user: AnyMatchUser
) -> MatchRead:
    """One match. The city's broker, the question's owner, or a provider of the
    offer's institution."""
    return MatchRead.model_validate(
        service.get_visible_match(
            session, match_id, user, owner_allowed=True, provider_allowed=True
        )
    )


@router.post("/{match_id:uuid}/confirm", responses=_ERRORS)
def confirm_match(
    match_id: uuid.UUID, session: SessionDep, user: BrokerUser, env: EnvDep
) -> MatchRead:
    """Confirm a proposal directly (arranged with the provider); takes a place, 409
    naming the offer when it is full. Broker."""
    return MatchRead.model_validate(
        service.confirm_match(session, match_id, actor=user, env=env)
    )


@router.post("/{match_id:uuid}/accept", responses=_ERRORS)
def accept_match(
    match_id: uuid.UUID, session: SessionDep, user: ProviderUser, env: EnvDep
) -> MatchRead:
    """Accept a proposal for your institution's offer: it is confirmed and takes a
    place (409 when full or already answered). Provider of the offer's institution."""
    return MatchRead.model_validate(
        service.accept_match(session, match_id, actor=user, env=env)
    )


@router.post("/{match_id:uuid}/decline", responses=_ERRORS)
def decline_match(
    match_id: uuid.UUID,
    data: DeclineRequest,
    session: SessionDep,
    user: ProviderUser,
    env: EnvDep,
) -> MatchRead:
    """Decline a proposal with a reason (409 when already answered). Provider of the
    offer's institution."""
    return MatchRead.model_validate(
        service.decline_match(session, match_id, data, actor=user, env=env)
    )


@router.post("/{match_id:uuid}/reject", responses=_ERRORS)
def reject_match(
    match_id: uuid.UUID,
    data: RejectRequest,
    session: SessionDep,
    user: BrokerUser,
    env: EnvDep,
) -> MatchRead:
    """Reject a proposal with a reason (and a reason code the ranker learns from).
    Broker."""
    return MatchRead.model_validate(
        service.reject_match(session, match_id, data, actor=user, env=env)
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
    match_id: uuid.UUID,
    data: CancelRequest,
    session: SessionDep,
    user: BrokerUser,
    settings: SettingsDep,
) -> MatchRead:
    """Cancel an unfinished match; a held place is freed. Broker."""
    return MatchRead.model_validate(
        service.cancel_match(session, match_id, data, actor=user, settings=settings)
    )
