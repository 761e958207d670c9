"""Friendly Dutch error pages for the web pages; the API keeps its JSON errors.

The handlers wrap the ones app.errors registered: a request for a page gets HTML
(never a stack trace), a request under /api gets the unchanged JSON shape.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from app.errors import (
    AppError,
    NotFoundError,
    PermissionDeniedError,
    http_error_headers,
)
from app.web.core.headers import apply_security_headers
from app.web.core.messages import dutch
from app.web.core.templating import render

logger = logging.getLogger(__name__)

_API_PREFIXES = (
    "/api/",
    "/api",
    "/healthz",
    "/readyz",
    "/docs",
    "/redoc",
    "/openapi.json",
)

Handler = Callable[[Request, Any], Response | Awaitable[Response]]


class PageNotFoundError(NotFoundError):
    """A page or item that does not exist; the message is Dutch already."""

    dutch = True


class PageForbiddenError(PermissionDeniedError):
    """A logged-in user without access to a page; the message is Dutch already."""

    dutch = True


class CsrfError(PermissionDeniedError):
    dutch = True

    def __init__(self) -> None:
        super().__init__(
            "Het formulier is verlopen of niet via Kennisbrug verstuurd. "
            "Laad de pagina opnieuw en probeer het nog eens."
        )


class LoginRequiredError(Exception):
    """Raised by page dependencies; becomes a redirect to /inloggen?next=..."""

    def __init__(self, next_path: str) -> None:
        super().__init__(next_path)
        self.next_path = next_path


def is_page_request(request: Request) -> bool:
    path = request.url.path
    return not (path == "/api" or path.startswith(_API_PREFIXES))


_TITLES = {
    400: "Ongeldig verzoek",
    401: "Niet ingelogd",
    403: "Geen toegang",
    404: "Pagina niet gevonden",
    405: "Niet toegestaan",
    409: "Dit kan nu niet",
    413: "Te groot",
    422: "Ongeldige invoer",
    429: "Te veel verzoeken",
    500: "Er ging iets mis",
    503: "Tijdelijk niet beschikbaar",
}
_DEFAULT_TEXT = {
    404: "Deze pagina bestaat niet (meer). Controleer het adres of ga naar de startpagina.",
    405: "Deze actie kan niet op deze manier worden uitgevoerd.",
    500: "Er ging aan onze kant iets mis. De fout is vastgelegd; probeer het later nog eens.",
}


def error_page(
    request: Request, status_code: int, message: str | None = None
) -> Response:
    """The Dutch error page for `status_code`, with the security headers."""
    response = render(
        request,
        "error.html",
        {
            "status_code": status_code,
            "heading": _TITLES.get(status_code, "Er ging iets mis"),
            "message": message or _DEFAULT_TEXT.get(status_code, "Dit is niet gelukt."),
        },
        status_code=status_code,
    )
    # The last-resort handler runs outside the middleware, so set them here too.
    apply_security_headers(MutableHeaders(raw=response.raw_headers), request.url.path)
    return response


def login_redirect(next_path: str) -> RedirectResponse:
    target = (
        f"/inloggen?next={quote(next_path, safe='/')}" if next_path else "/inloggen"
    )
    return RedirectResponse(target, status_code=303)


async def _call(handler: Handler, request: Request, exc: Exception) -> Response:
    result = handler(request, exc)
    if inspect.isawaitable(result):
        return await result
    return result


def _wrap(app: FastAPI, key: type[Exception], page: Handler) -> None:
    previous = app.exception_handlers.get(key)

    async def handler(request: Request, exc: Exception) -> Response:
        if is_page_request(request) or previous is None:
            return await _call(page, request, exc)
        return await _call(previous, request, exc)

    app.exception_handlers[key] = handler


def _app_error(request: Request, exc: AppError) -> Response:
    if exc.status_code == 401:
        return login_redirect(request.url.path if request.method == "GET" else "")
    return error_page(request, exc.status_code, dutch(exc))


def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
    response = error_page(request, exc.status_code)
    response.headers.update(http_error_headers(request, exc))
    return response


def _validation_error(request: Request, exc: RequestValidationError) -> Response:
    # A malformed id in a page address is simply a page that does not exist.
    if any(err.get("loc", ("",))[0] == "path" for err in exc.errors()):
        return error_page(request, 404)
    return error_page(request, 400, "Het verzoek bevat een ongeldige waarde.")


def _unexpected(request: Request, exc: Exception) -> Response:
    logger.error("unhandled error on page %s", request.url.path, exc_info=exc)
    return error_page(request, 500)


def register_page_error_handlers(app: FastAPI) -> None:
    """Install after app.errors.register_error_handlers (it wraps those)."""

    def _login(request: Request, exc: LoginRequiredError) -> Response:
        return login_redirect(exc.next_path)

    app.exception_handlers[LoginRequiredError] = _login
    _wrap(app, AppError, _app_error)
    _wrap(app, StarletteHTTPException, _http_error)
    _wrap(app, RequestValidationError, _validation_error)
    _wrap(app, Exception, _unexpected)
