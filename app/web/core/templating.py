"""Shared Jinja2 setup for every server-rendered page.

Use `render(request, "folder/page.html", {...})` from any web router; it adds what
base.html needs (the logged-in user, the CSRF token, flash messages and the menu).
Autoescaping is on for every template: never mark user input `|safe`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from app import codes
from app.codes import Role
from app.web.core import display
from app.web.core.session import (
    CSRF_FIELD,
    SessionUser,
    csrf_token,
    pop_flashes,
    session_user,
)

_WEB_DIR = Path(__file__).resolve().parents[1]
TEMPLATES_DIR = _WEB_DIR / "templates"
STATIC_DIR = _WEB_DIR / "static"


@dataclass(frozen=True, slots=True)
class NavItem:
    label: str
    href: str
    current: bool = False


_MENU: dict[str, tuple[tuple[str, str], ...]] = {
    Role.STAFF: (("Mijn vragen", "/vragen"), ("Nieuwe vraag", "/vragen/nieuw")),
    Role.PROVIDER: (
        ("Mijn aanbod", "/aanbod"),
        ("Voorstellen", "/aanbod/voorstellen"),
        ("Nieuw aanbod", "/aanbod/nieuw"),
        ("Importeren", "/aanbod/import"),
    ),
    Role.BROKER: (
        ("Vragenbord", "/makelaar"),
        ("Verdeling", "/makelaar/verdeling"),
        ("Aanbod", "/aanbod"),
        ("Rapportage", "/rapportage"),
    ),
    Role.NETWORK: (("Landelijk netwerk", "/rapportage/netwerk"),),
    Role.ADMIN: (
        ("Accounts", "/beheer"),
        ("Gemeenten", "/beheer/gemeenten"),
        ("Landelijk netwerk", "/rapportage/netwerk"),
    ),
}
_PUBLIC_MENU = (("Studentenportaal", "/portaal"),)


def menu(path: str, user: SessionUser | None) -> list[NavItem]:
    """The main menu for this user; the entry for the current page is marked."""
    entries = [*(_MENU.get(user.role, ()) if user else ()), *_PUBLIC_MENU]
    # The most specific entry that prefixes the path is current (not /aanbod for
    # /aanbod/nieuw when "Nieuw aanbod" is in the menu too).
    matching = [
        href for _, href in entries if path == href or path.startswith(href + "/")
    ]
    current = max(matching, key=len, default=None)
    return [NavItem(text, href, href == current) for text, href in entries]


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        date_nl=display.date_nl,
        percent=display.percent,
        question_status=lambda c: codes.label(codes.QuestionStatus, c),
        match_status=lambda c: codes.label(codes.MatchStatus, c),
        offer_status=lambda c: codes.label(codes.OfferStatus, c),
        offer_kind=lambda c: codes.label(codes.OfferKind, c),
        level=lambda c: codes.label(codes.Level, c),
        language=lambda c: codes.label(codes.Language, c),
        expected_output=lambda c: codes.label(codes.ExpectedOutput, c),
        badge=display.badge,
        component=lambda c: display.label(display.COMPONENT, c),
    )
    env.globals.update(CSRF_FIELD=CSRF_FIELD)
    return env


templates = Jinja2Templates(env=_environment())


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a page with the layout's context; `context` wins on name clashes."""
    user = session_user(request)
    full: dict[str, Any] = {
        "current_user": user,
        "csrf_token": csrf_token(request),
        "flashes": pop_flashes(request),
        "nav": menu(request.url.path, user),
        **(context or {}),
    }
    return templates.TemplateResponse(request, name, full, status_code=status_code)
