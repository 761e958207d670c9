"""Log in and out of the web pages with a session cookie."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.auth import service as auth_service
from app.codes import Role
from app.deps import SessionDep
from app.errors import NotAuthenticatedError, TooManyRequestsError
from app.ratelimit import RateLimiterDep, client_key
from app.users import service as user_service
from app.web.core.forms import FormState
from app.web.core.page_deps import CsrfForm, PageUserOrNone
from app.web.core.session import end_session, flash, start_session
from app.web.core.templating import render

router = APIRouter(include_in_schema=False)

START_PAGES: dict[str, str] = {
    Role.STAFF: "/vragen",
    Role.PROVIDER: "/aanbod",
    Role.BROKER: "/makelaar",
}
_LABELS = {"email": "E-mailadres", "password": "Wachtwoord"}


def start_page(role: str) -> str:
    return START_PAGES.get(role, "/")


def safe_next(value: str | None) -> str | None:
    """Only a path on this site: no scheme, no host, no '//' or backslash tricks."""
    if not value or not value.startswith("/") or value.startswith("//"):
        return None
    if "\\" in value or any(ord(c) < 32 for c in value):
        return None
    parts = urlsplit(value)
    if parts.scheme or parts.netloc:
        return None
    return value


NextQuery = Annotated[str | None, Query(max_length=500)]


@router.get("/inloggen")
def login_page(
    request: Request, user: PageUserOrNone, next: NextQuery = None
) -> Response:
    """The login form; a logged-in user goes straight on."""
    if user is not None:
        return RedirectResponse(safe_next(next) or start_page(user.role), 303)
    form = FormState(labels=_LABELS)
    return render(request, "login.html", {"form": form, "next": safe_next(next) or ""})


@router.post("/inloggen")
def login(
    request: Request, session: SessionDep, limiter: RateLimiterDep, form: CsrfForm
) -> Response:
    """Check the credentials, start a fresh session and go to the start page."""
    email = str(form.get("email") or "").strip()
    password = str(form.get("password") or "")
    next_path = safe_next(str(form.get("next") or ""))
    state = FormState(data={"email": email}, labels=_LABELS)
    if not email:
        state.errors["email"] = "Vul uw e-mailadres in."
    if not password:
        state.errors["password"] = "Vul uw wachtwoord in."
    status_code = 400
    if not state.errors:
        try:
            user = auth_service.authenticate_throttled(
                session,
                limiter,
                client=client_key(request),
                email=email,
                password=password,
            )
        except NotAuthenticatedError:
            state.errors["password"] = "Het e-mailadres of het wachtwoord klopt niet."
        except TooManyRequestsError:
            status_code = 429
            state.errors["password"] = (
                "Te veel mislukte pogingen. Wacht enkele minuten en probeer het opnieuw."
            )
        else:
            start_session(request, user)
            flash(request, f"Welkom, {user.name}.")
            return RedirectResponse(next_path or start_page(user.role), status_code=303)
    return render(
        request,
        "login.html",
        {"form": state, "next": next_path or ""},
        status_code=status_code,
    )


@router.post("/uitloggen")
def logout(
    request: Request, session: SessionDep, user: PageUserOrNone, form: CsrfForm
) -> Response:
    """End the session, and every other session and token of the user with it."""
    if user is not None:
        user_service.end_all_sessions(session, user)
    end_session(request)
    flash(request, "U bent uitgelogd.", "info")
    return RedirectResponse("/", status_code=303)
