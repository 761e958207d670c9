"""The site's statements: privacy, accessibility (toegankelijkheidsverklaring), contact.

Linked from every page's footer, as Dutch government sites do.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.web.core.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/privacy")
def privacy_page(request: Request) -> Response:
    """What Kennisbrug stores about whom, and why. Anyone."""
    return render(request, "info/privacy.html", {})


@router.get("/toegankelijkheid")
def accessibility_page(request: Request) -> Response:
    """The accessibility statement. Anyone."""
    return render(request, "info/toegankelijkheid.html", {})


@router.get("/contact")
def contact_page(request: Request) -> Response:
    """How to reach the broker and the administrator. Anyone."""
    return render(request, "info/contact.html", {})
