"""The browser session: who is logged in, the CSRF token and flash messages.

The session is Starlette's signed cookie (itsdangerous, HttpOnly, SameSite=Lax,
Secure per settings). It holds only the user's id, name, role (for the page
header) and session version, and the CSRF token; every protected page still loads
the user from the database, so a deactivated account, a logout elsewhere or a
password change ends the session at once (the version no longer matches).
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from typing import Literal

from starlette.requests import Request

from app.models import User

USER_KEY = "user"
CSRF_KEY = "csrf"
FLASH_KEY = "flashes"
CSRF_FIELD = "csrf_token"

FlashKind = Literal["ok", "info", "warning", "error"]


@dataclass(frozen=True, slots=True)
class SessionUser:
    id: uuid.UUID
    name: str
    role: str
    session_version: int


@dataclass(frozen=True, slots=True)
class Flash:
    kind: FlashKind
    message: str


def has_session(request: Request) -> bool:
    """False outside the session middleware (e.g. in the last-resort 500 handler)."""
    return "session" in request.scope


def session_user(request: Request) -> SessionUser | None:
    if not has_session(request):
        return None
    raw = request.session.get(USER_KEY)
    if not isinstance(raw, dict):
        return None
    try:
        return SessionUser(
            uuid.UUID(raw["id"]), str(raw["name"]), str(raw["role"]), int(raw["ver"])
        )
    except (KeyError, ValueError, TypeError):
        return None


def csrf_token(request: Request) -> str:
    """This session's CSRF token, created on first use (also for visitors)."""
    if not has_session(request):
        return ""
    token = request.session.get(CSRF_KEY)
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


def csrf_matches(request: Request, submitted: object) -> bool:
    expected = request.session.get(CSRF_KEY) if has_session(request) else None
    return (
        isinstance(expected, str)
        and isinstance(submitted, str)
        and secrets.compare_digest(expected.encode(), submitted.encode())
    )


def start_session(request: Request, user: User) -> None:
    """Log in: drop everything the anonymous session held and issue a new token."""
    request.session.clear()
    request.session[USER_KEY] = {
        "id": str(user.id),
        "name": user.name,
        "role": user.role,
        "ver": user.session_version,
    }
    request.session[CSRF_KEY] = secrets.token_urlsafe(32)


def end_session(request: Request) -> None:
    if has_session(request):
        request.session.clear()


def flash(request: Request, message: str, kind: FlashKind = "ok") -> None:
    """Show `message` on the next rendered page (after a redirect)."""
    items = list(request.session.get(FLASH_KEY) or [])
    items.append({"kind": kind, "message": message})
    request.session[FLASH_KEY] = items[-5:]


def pop_flashes(request: Request) -> list[Flash]:
    if not has_session(request) or FLASH_KEY not in request.session:
        return []
    raw = request.session.pop(FLASH_KEY) or []
    return [
        Flash(kind=item.get("kind", "info"), message=str(item.get("message", "")))
        for item in raw
        if isinstance(item, dict)
    ]
