"""The allocation page: the best set of pairs for all open questions; the broker
ticks the pairs to confirm (each is proposed and confirmed, refusals reported)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.deps import EnvDep, SessionDep
from app.errors import AppError
from app.matches import service as match_service
from app.models import User
from app.offers import service as offer_service
from app.questions import service as question_service
from app.ranking import allocation as allocation_service
from app.web.core.actions import refusal
from app.web.core.page_deps import BrokerPage, CsrfForm
from app.web.core.templating import render

router = APIRouter(include_in_schema=False)

MAX_PAIRS = 500


@dataclass(frozen=True, slots=True)
class PairResult:
    question: str
    offer: str
    ok: bool
    message: str


def _pairs(values: list[str]) -> list[tuple[uuid.UUID, uuid.UUID]]:
    pairs = []
    for value in values[:MAX_PAIRS]:
        question_id, _, offer_id = value.partition(":")
        try:
            pairs.append((uuid.UUID(question_id), uuid.UUID(offer_id)))
        except ValueError:
            continue
    return list(dict.fromkeys(pairs))


@router.get("/makelaar/verdeling")
def allocation_page(
    request: Request,
    session: SessionDep,
    user: BrokerPage,
    env: EnvDep,
) -> Response:
    """The proposed pairs with checkboxes."""
    proposal = allocation_service.propose_allocation(
        session, env.encoder, user=user, question_ids=None, today=env.today
    )
    return render(
        request, "broker/allocation.html", {"proposal": proposal, "results": []}
    )


@router.post("/makelaar/verdeling")
def confirm_selected(
    request: Request,
    session: SessionDep,
    user: BrokerPage,
    env: EnvDep,
    form: CsrfForm,
) -> Response:
    """Confirm the ticked pairs one by one; a refusal is reported and the rest go on."""
    results = []
    raw = [v for v in form.getlist("pair") if isinstance(v, str)]
    for question_id, offer_id in _pairs(raw):
        try:
            match_service.confirm_pair(
                session,
                question_id=question_id,
                offer_id=offer_id,
                actor=user,
                env=env,
            )
        except (AppError, ValidationError) as exc:
            session.rollback()
            results.append(_result(session, user, question_id, offer_id, refusal(exc)))
            continue
        results.append(_result(session, user, question_id, offer_id, None))
    proposal = allocation_service.propose_allocation(
        session, env.encoder, user=user, question_ids=None, today=env.today
    )
    return render(
        request,
        "broker/allocation.html",
        {"proposal": proposal, "results": results, "posted": True},
    )


def _result(
    session: Session,
    user: User,
    question_id: uuid.UUID,
    offer_id: uuid.UUID,
    refused: str | None,
) -> PairResult:
    """The pair's outcome, named by its titles; `refused` is the reason if refused."""
    try:
        question = question_service.get_visible_question(session, question_id, user)
        offer = offer_service.get_visible_offer(session, offer_id, user)
    except AppError:
        return PairResult("onbekende vraag", "onbekend aanbod", False, refused or "")
    return PairResult(question.title, offer.title, refused is None, refused or "")
