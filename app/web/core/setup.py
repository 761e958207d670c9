"""Wire the web pages into the app: session cookie, security headers, error pages
and static files. Called once from create_app."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

from app.config import Settings
from app.web.core.assets import own_static_files
from app.web.core.error_pages import register_page_error_handlers
from app.web.core.headers import SecurityHeadersMiddleware

SESSION_COOKIE = "kennisbrug_session"


def install_web(app: FastAPI, settings: Settings) -> None:
    """Add the middleware and handlers the pages need (after the API's handlers)."""
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key.get_secret_value(),
        session_cookie=SESSION_COOKIE,
        max_age=settings.token_ttl_minutes * 60,
        same_site="lax",
        https_only=settings.cookie_secure,
    )
    # Added last, so it is the outermost: every response gets the headers.
    app.add_middleware(SecurityHeadersMiddleware, hsts=settings.cookie_secure)
    register_page_error_handlers(app)
    app.mount("/static/web", own_static_files(), name="static")
