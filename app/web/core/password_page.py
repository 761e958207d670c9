"""Any logged-in user changes their own password (the current one is required)."""

from __future__ import annotations

from contextlib import suppress

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from app.auth import service as auth_service
from app.deps import SessionDep
from app.errors import TooManyRequestsError
from app.ratelimit import RateLimiter, RateLimiterDep, client_key
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


_TOO_MANY = "Te veel mislukte pogingen. Wacht enkele minuten en probeer het opnieuw."


@router.post(PATH, name="change_password")
def change_password(
    request: Request,
    session: SessionDep,
    user: AccountPage,
    limiter: RateLimiterDep,
    form: CsrfForm,
) -> Response:
    """Check the current password, save the new one, keep this session only.

    Both fields are judged in one round: an empty current password and a short
    new one are named together, not one per submit. A wrong current password
    counts as a failed login (the same limit): a left-open session must not be a
    way to guess the password without limit.
    """
    state = FormState(labels=LABELS)  # passwords are never shown again
    current = str(form.get("current_password") or "")
    new = str(form.get("password") or "")
    key = auth_service.login_key(client_key(request), user.email)
    try:
        limiter.check("login", key)
    except TooManyRequestsError:
        state.errors["current_password"] = _TOO_MANY
        return render(
            request, "account/password.html", {"form": state}, status_code=429
        )
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
        if current and "current_password" in state.errors:
            _count_failure(limiter, key)
        return render(
            request, "account/password.html", {"form": state}, status_code=422
        )
    start_session(request, saved)  # the version moved on: other sessions ended
    flash(request, "Uw wachtwoord is gewijzigd. Andere sessies zijn beëindigd.")
    return RedirectResponse(PATH, status_code=303)


def _count_failure(limiter: RateLimiter, key: str) -> None:
    """Count a wrong current password; the refusal itself waits for the next try
    (as at the login), this answer already says the password was wrong."""
    with suppress(TooManyRequestsError):
        limiter.hit("login", key)
