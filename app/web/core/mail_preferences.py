"""Each user's choice of mail: everything, or only what is essential (a password
reset, a confirmation they asked for). Linked from the footer of every mail."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.deps import SessionDep
from app.mail.render import PREFERENCES_PATH
from app.users import service as user_service
from app.web.core.page_deps import AccountPage, CsrfForm
from app.web.core.session import flash
from app.web.core.templating import render

router = APIRouter(include_in_schema=False)


@router.get(PREFERENCES_PATH)
def mail_preferences_page(request: Request, user: AccountPage) -> Response:
    """Show the user's mail choice."""
    return render(request, "account/mail.html", {"wants_mail": user.wants_mail})


@router.post(PREFERENCES_PATH)
def save_mail_preferences(
    request: Request, session: SessionDep, user: AccountPage, form: CsrfForm
) -> Response:
    """Save the choice and come back to the page."""
    wants = form.get("wants_mail") == "on"
    user_service.set_mail_preference(session, user, wants_mail=wants)
    flash(
        request,
        "U krijgt weer alle e-mail van Kennisbrug."
        if wants
        else "U krijgt alleen nog e-mail die nodig is (zoals een wachtwoordherstel).",
    )
    return RedirectResponse(PREFERENCES_PATH, status_code=303)
