"""The start page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.web.core.page_deps import PageUserOrNone
from app.web.core.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request, user: PageUserOrNone) -> Response:
    """What Kennisbrug is, with links per role (or to log in and to the portal)."""
    # `user` validates the session: a stale one is cleared before the menu is drawn.
    return render(request, "home.html")
