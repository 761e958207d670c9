"""The provider's proposals: questions the broker asks their institution to take
on, with the explanation and the answer date; accept or decline with a reason."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.codes import MatchStatus, RejectReason, labels
from app.deps import EnvDep, SessionDep
from app.matches import service as match_service
from app.matches.schemas import DeclineRequest
from app.web.core.actions import attempt
from app.web.core.page_deps import CsrfForm, ProviderOnlyPage
from app.web.core.templating import render

router = APIRouter(include_in_schema=False)
PROPOSALS = "/aanbod/voorstellen"


@router.get(PROPOSALS)
def proposals_page(
    request: Request, session: SessionDep, user: ProviderOnlyPage
) -> Response:
    """Proposals waiting for the institution's answer, earliest deadline first."""
    rows, total = match_service.list_matches(
        session,
        user,
        statuses=[MatchStatus.PROPOSED],
        question_id=None,
        limit=100,
        offset=0,
    )
    rows.sort(key=lambda m: (m.respond_before is None, m.respond_before, m.id))
    return render(
        request,
        "provider/proposals.html",
        {
            "proposals": rows,
            "total": total,
            "reasons": list(labels(RejectReason).items()),
        },
    )


@router.post(PROPOSALS + "/{match_id}/aannemen")
def accept(
    request: Request,
    match_id: uuid.UUID,
    session: SessionDep,
    user: ProviderOnlyPage,
    env: EnvDep,
    form: CsrfForm,
) -> Response:
    """Take the question on: the match is confirmed and takes a place."""
    match_service.get_visible_match(session, match_id, user, provider_allowed=True)
    attempt(
        request,
        session,
        lambda: match_service.accept_match(session, match_id, actor=user, env=env),
        "U hebt het voorstel aangenomen; de kennismakelaar en de vraagsteller "
        "krijgen bericht.",
    )
    return RedirectResponse(PROPOSALS, status_code=303)


@router.post(PROPOSALS + "/{match_id}/afslaan")
def decline(
    request: Request,
    match_id: uuid.UUID,
    session: SessionDep,
    user: ProviderOnlyPage,
    env: EnvDep,
    form: CsrfForm,
) -> Response:
    """Decline with a reason; the broker is told and can look further."""
    match_service.get_visible_match(session, match_id, user, provider_allowed=True)
    attempt(
        request,
        session,
        lambda: match_service.decline_match(
            session,
            match_id,
            DeclineRequest.model_validate(
                {
                    "reason": form.get("reason") or "",
                    "reason_code": form.get("reason_code") or None,
                }
            ),
            actor=user,
            env=env,
        ),
        "U hebt het voorstel afgeslagen; de kennismakelaar krijgt bericht.",
        labels={"reason": "Reden", "reason_code": "Soort reden"},
    )
    return RedirectResponse(PROPOSALS, status_code=303)
