"""The page a student's confirmation link opens: one button confirms (a POST, so a
mail scanner that follows the link does not confirm by itself)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.deps import SessionDep, SettingsDep
from app.interests import service as interest_service
from app.interests.errors import AssignmentClosed, InvalidConfirmation
from app.ratelimit import rate_limit
from app.web.core.page_deps import CsrfForm
from app.web.core.session import flash
from app.web.core.templating import render
from app.web.portal.translations import TEXTS, pick

router = APIRouter(
    include_in_schema=False, dependencies=[Depends(rate_limit("public"))]
)
Token = Annotated[str, Query(max_length=500)]


@router.get("/portaal/bevestigen")
def interest_confirmation_page(
    request: Request, token: Token = "", lang: Annotated[str | None, Query()] = None
) -> Response:
    """Ask the student to press the button that confirms their interest."""
    chosen = pick(lang)
    return render(
        request,
        "portal/confirm.html",
        {"t": TEXTS[chosen], "lang": chosen, "token": token},
    )


@router.post("/portaal/bevestigen")
def confirm_interest_from_page(
    request: Request, session: SessionDep, settings: SettingsDep, form: CsrfForm
) -> Response:
    """Confirm the interest the link names, then show its assignment."""
    chosen = pick(str(form.get("lang") or ""))
    texts = TEXTS[chosen]
    try:
        interest = interest_service.confirm_interest(
            session, str(form.get("token") or ""), settings=settings
        )
    except InvalidConfirmation as refused:
        again = refused.question_id is not None  # a genuine link that expired
        back = f"/portaal/{refused.question_id}" if again else "/portaal"
        return render(
            request,
            "portal/confirm.html",
            {
                "t": texts,
                "lang": chosen,
                "token": "",
                "error": texts[
                    "confirm_closed"
                    if isinstance(refused, AssignmentClosed)
                    else "confirm_invalid"
                ],
                "back": f"{back}?lang={chosen}",
                "again": again,
            },
            status_code=422,
        )
    flash(request, texts["confirmed"])
    return RedirectResponse(
        f"/portaal/{interest.question_id}?lang={chosen}", status_code=303
    )
