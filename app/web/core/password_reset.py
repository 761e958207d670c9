"""Forgot your password: ask for a link by e-mail, then choose a new password.

The pages use the same service as the API (app/auth/reset.py); the answer to a
request never says whether the address has an account.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.auth import reset
from app.auth.errors import InvalidResetLink
from app.deps import SessionDep, SettingsDep
from app.errors import TooManyRequestsError
from app.ratelimit import RateLimiterDep, client_key
from app.web.core.forms import FormState
from app.web.core.messages import dutch
from app.web.core.page_deps import CsrfForm
from app.web.core.session import flash
from app.web.core.templating import render

router = APIRouter(include_in_schema=False)

FORGOT_PAGE = "/wachtwoord-vergeten"
_LABELS = {
    "email": "E-mailadres",
    "password": "Nieuw wachtwoord",
    "repeat": "Herhaal het nieuwe wachtwoord",
    "token": "Link uit de e-mail",
}
_SENT = (
    "Als dit e-mailadres bij een account hoort, hebben we een link gestuurd om een "
    "nieuw wachtwoord te kiezen. Kijk ook in uw map met ongewenste e-mail."
)
TokenQuery = Annotated[str, Query(max_length=2000)]


def _looks_like_email(value: str) -> bool:
    name, _, domain = value.partition("@")
    return bool(name) and "." in domain and " " not in value


@router.get(FORGOT_PAGE)
def forgot_page(request: Request) -> Response:
    """The form that asks for the account's e-mail address. Anyone."""
    return render(
        request, "account/password_forgot.html", {"form": FormState(labels=_LABELS)}
    )


@router.post(FORGOT_PAGE)
def ask_link(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
    form: CsrfForm,
) -> Response:
    """Send the link (if the address is known) and say the same thing either way."""
    email = str(form.get("email") or "").strip()
    state = FormState(data={"email": email}, labels=_LABELS)
    if not _looks_like_email(email):
        state.errors["email"] = "Vul een geldig e-mailadres in, zoals naam@leiden.nl."
        return render(
            request, "account/password_forgot.html", {"form": state}, status_code=400
        )
    try:
        limiter.hit("password_reset", client_key(request))
    except TooManyRequestsError:
        state.errors["email"] = (
            "U heeft al een paar keer een link gevraagd. Wacht enkele minuten en "
            "probeer het dan opnieuw."
        )
        return render(
            request, "account/password_forgot.html", {"form": state}, status_code=429
        )
    reset.request_reset(session, settings=settings, email=email)
    flash(request, _SENT)
    return RedirectResponse("/inloggen", status_code=303)


@router.get(reset.RESET_PAGE)
def reset_page(request: Request, token: TokenQuery = "") -> Response:
    """The form for the new password; the link's token is carried along. Anyone."""
    return render(
        request,
        "account/password_reset.html",
        {"form": FormState(labels=_LABELS), "token": token, "forgot_page": FORGOT_PAGE},
    )


@router.post(reset.RESET_PAGE)
def choose_password(
    request: Request, session: SessionDep, settings: SettingsDep, form: CsrfForm
) -> Response:
    """Set the new password; every earlier session and token ends."""
    token = str(form.get("token") or "")
    password = str(form.get("password") or "")
    repeat = str(form.get("repeat") or "")
    state = FormState(labels=_LABELS)
    if len(password) < 10:
        state.errors["password"] = "Kies een wachtwoord van minstens 10 tekens."
    elif len(password) > 200:
        state.errors["password"] = "Kies een wachtwoord van hoogstens 200 tekens."
    elif repeat != password:
        state.errors["repeat"] = "De twee wachtwoorden zijn niet gelijk."
    if not state.errors:
        try:
            reset.reset_password(
                session, settings=settings, token=token, password=password
            )
        except InvalidResetLink as exc:
            state.errors["token"] = dutch(exc)
        else:
            flash(request, "Uw nieuwe wachtwoord is ingesteld. Log ermee in.")
            return RedirectResponse("/inloggen", status_code=303)
    return render(
        request,
        "account/password_reset.html",
        {"form": state, "token": token, "forgot_page": FORGOT_PAGE},
        status_code=400,
    )
