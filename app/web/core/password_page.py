"""Any logged-in user changes their own password (the current one is required)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.deps import SessionDep
from app.security import verify_password
from app.users import service as user_service
from app.users.errors import WrongCurrentPassword
from app.users.schemas import UserUpdate
from app.web.core import messages
from app.web.core.forms import FormState, save_form
from app.web.core.page_deps import AccountPage, CsrfForm
from app.web.core.session import flash, start_session
from app.web.core.templating import render

router = APIRouter(include_in_schema=False)

PATH = "/account/wachtwoord"
LABELS = {
    "current_password": "Huidig wachtwoord",
    "password": "Nieuw wachtwoord",
    "form": "Formulier",
}


@router.get(PATH)
def password_page(request: Request, user: AccountPage) -> Response:
    """The form: current password and the new one."""
    return render(request, "account/password.html", {"form": FormState(labels=LABELS)})


@router.post(PATH, name="change_password")
def change_password(
    request: Request, session: SessionDep, user: AccountPage, form: CsrfForm
) -> Response:
    """Check the current password, save the new one, keep this session only.

    Both fields are judged in one round: an empty current password and a short
    new one are named together, not one per submit.
    """
    state = FormState(labels=LABELS)  # passwords are never shown again
    current = str(form.get("current_password") or "")
    new = str(form.get("password") or "")
    save_form(session, state, lambda: UserUpdate(password=new))
    if not current:
        state.errors["current_password"] = "Vul dit veld in."
    elif state.errors and not verify_password(current, user.password_hash):
        state.errors.update(messages.field_errors(WrongCurrentPassword(), LABELS))
    saved = (
        None
        if state.errors
        else save_form(
            session,
            state,
            lambda: user_service.change_own_password(
                session, user, current=current, new=new
            ),
        )
    )
    if saved is None:
        return render(
            request, "account/password.html", {"form": state}, status_code=422
        )
    start_session(request, saved)  # the version moved on: other sessions ended
    flash(request, "Uw wachtwoord is gewijzigd. Andere sessies zijn beëindigd.")
    return RedirectResponse(PATH, status_code=303)
