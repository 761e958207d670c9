"""Security headers on every response, pages and API alike.

The Content-Security-Policy allows no inline script or style at all: pages load
only their own files from /static. Form posts are protected separately by the
CSRF token (app.web.core.page_deps.CsrfForm).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        # The NL Design System CSS draws checkbox ticks as data: SVG images.
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
        "base-uri 'self'",
    )
)

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": (
        "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
        "interest-cohort=()"
    ),
    "Cross-Origin-Opener-Policy": "same-origin",
}

# The interactive API docs load their script and styles from a CDN; they keep
# every header except a CSP they could not work under.
_DOCS_PATHS = ("/docs", "/redoc")


def apply_security_headers(headers: MutableHeaders, path: str) -> None:
    """Set the headers unless a response chose its own value."""
    for name, value in SECURITY_HEADERS.items():
        if name == "Content-Security-Policy" and path.startswith(_DOCS_PATHS):
            continue
        if name not in headers:
            headers[name] = value
    content_type = headers.get("content-type", "")
    shows_data = content_type.startswith("text/html") or (
        path.startswith("/api/") and content_type.startswith("application/json")
    )
    if shows_data and "cache-control" not in headers:
        # Pages and API answers hold personal work data (interests, accounts,
        # contacts): no copy in a browser's disk cache or a shared proxy.
        headers["Cache-Control"] = "no-store"


HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeadersMiddleware:
    """Pure ASGI middleware (no BaseHTTPMiddleware: it would buffer streaming).

    `hsts`: also send Strict-Transport-Security, for a site served over HTTPS only
    (the same deployments that mark the session cookie Secure).
    """

    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                apply_security_headers(headers, path)
                if self.hsts:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
