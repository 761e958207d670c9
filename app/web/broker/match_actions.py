"""The broker's buttons: confirm (propose + confirm in one click), reject, and the
match lifecycle (start, complete, cancel)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.codes import MatchStatus
from app.config import Settings
from app.deps import EnvDep, SessionDep, SettingsDep
from app.matches import service as match_service
from app.matches.schemas import CancelRequest, RejectRequest
from app.models import Match, User
from app.web.core import completion
from app.web.core.actions import attempt
from app.web.core.display import COMPLETE_LABELS
from app.web.core.error_pages import PageNotFoundError
from app.web.core.page_deps import BrokerPage, CsrfForm
from app.web.core.session import flash

router = APIRouter(include_in_schema=False)


def _offer_id(raw: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


def _back(question_id: uuid.UUID, anchor: str = "kandidaten") -> RedirectResponse:
    return RedirectResponse(f"/makelaar/vragen/{question_id}#{anchor}", status_code=303)


def _no_candidate(request: Request, question_id: uuid.UUID) -> RedirectResponse:
    """A post without a valid offer id (a tampered or stale form): say so, change nothing."""
    flash(request, "Kies een kandidaat uit de lijst.", "error")
    return _back(question_id)


@router.post("/makelaar/vragen/{question_id}/bevestigen")
def confirm(
    request: Request,
    question_id: uuid.UUID,
    session: SessionDep,
    user: BrokerPage,
    env: EnvDep,
    form: CsrfForm,
) -> Response:
    """Propose and confirm one candidate in one click; a full offer is refused."""
    offer_id = _offer_id(form.get("offer_id"))
    if offer_id is None:
        return _no_candidate(request, question_id)
    attempt(
        request,
        session,
        lambda: match_service.confirm_pair(
            session,
            question_id=question_id,
            offer_id=offer_id,
            actor=user,
            env=env,
        ),
        "De koppeling is bevestigd; er is een plaats van het aanbod bezet.",
    )
    return _back(question_id)


@router.post("/makelaar/vragen/{question_id}/afwijzen")
def reject(
    request: Request,
    question_id: uuid.UUID,
    session: SessionDep,
    user: BrokerPage,
    env: EnvDep,
    form: CsrfForm,
) -> Response:
    """Reject a candidate with a reason (it is proposed first if needed)."""
    offer_id = _offer_id(form.get("offer_id"))
    if offer_id is None:
        return _no_candidate(request, question_id)

    def _reject() -> Match:
        data = RejectRequest.model_validate({"reason": form.get("reason") or ""})
        match = match_service.proposal_for_pair(
            session,
            question_id=question_id,
            offer_id=offer_id,
            actor=user,
            env=env,
            ask_provider=False,  # rejected at once: never ask the provider
        )
        return match_service.reject_match(session, match.id, data, actor=user, env=env)

    attempt(
        request, session, _reject, "De kandidaat is afgewezen.", labels=COMPLETE_LABELS
    )
    return _back(question_id)


StepAction = Callable[[Session, uuid.UUID, dict[str, Any], User, Settings], Match]


def _start(
    s: Session, i: uuid.UUID, fields: dict[str, Any], u: User, settings: Settings
) -> Match:
    return match_service.start_match(s, i, actor=u)


def _cancel(
    s: Session, i: uuid.UUID, fields: dict[str, Any], u: User, settings: Settings
) -> Match:
    return match_service.cancel_match(
        s, i, CancelRequest.model_validate(fields), actor=u, settings=settings
    )


_REASON_NEEDED = (
    "Geef een reden (minstens 3 tekens): annuleren is niet terug te draaien."
)
_PROPOSAL_WITHDRAWN = (
    "Het voorstel is ingetrokken; de aanbieder kan het niet meer aannemen."
)
_STEPS: dict[str, tuple[StepAction, str]] = {
    "starten": (_start, "De koppeling is gestart."),
    "annuleren": (
        _cancel,
        "De koppeling is geannuleerd; een bezette plaats is weer vrij.",
    ),
}


@router.post("/makelaar/koppelingen/{match_id}/{step}")
def match_step(
    request: Request,
    match_id: uuid.UUID,
    step: str,
    session: SessionDep,
    user: BrokerPage,
    form: CsrfForm,
    settings: SettingsDep,
) -> Response:
    """Start, complete (with the outcome) or cancel a match."""
    if step not in (*_STEPS, "afronden"):
        raise PageNotFoundError("Deze stap bestaat niet.")
    match = match_service.get_visible_match(session, match_id, user)
    question_id = match.question_id
    if step == "afronden":  # its own form: a refusal shows it again
        return _complete_step(request, session, match_id, question_id, user, form)
    action, success = _STEPS[step]
    if step == "annuleren" and match.status == MatchStatus.PROPOSED:
        success = _PROPOSAL_WITHDRAWN  # it held no place: none comes free
    if step == "annuleren" and len(str(form.get("reason") or "").strip()) < 3:
        flash(request, _REASON_NEEDED, "error")
        return _back(question_id, "koppelingen")
    fields = {k: v for k, v in form.items() if k in COMPLETE_LABELS and v != ""}
    attempt(
        request,
        session,
        lambda: action(session, match_id, fields, user, settings),
        success,
        labels=COMPLETE_LABELS,
    )
    return _back(question_id, "koppelingen")


def _complete_step(
    request: Request,
    session: Session,
    match_id: uuid.UUID,
    question_id: uuid.UUID,
    user: User,
    form: FormData,
) -> Response:
    """Complete with the outcome; a refusal shows the form again, nothing lost."""
    result = completion.complete(session, match_id, form, user=user)
    if result.match is None:
        return completion.failed_page(
            request,
            result.state,
            match=match_service.get_visible_match(session, match_id, user),
            action=f"/makelaar/koppelingen/{match_id}/afronden",
            back=f"/makelaar/vragen/{question_id}#koppelingen",
            rating_label="Waardering door de vraageigenaar",
        )
    flash(request, "De koppeling is afgerond en het resultaat is vastgelegd.")
    return _back(question_id, "koppelingen")
