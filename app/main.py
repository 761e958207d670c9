"""The FastAPI application factory."""

from __future__ import annotations

from fastapi import Depends, FastAPI
from sqlalchemy import Engine
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from app.auth.router import router as auth_router
from app.config import Settings, get_settings
from app.db import make_session_factory
from app.deps import reject_nul_characters
from app.errors import register_error_handlers
from app.health.router import router as health_router
from app.intake.router import router as intake_router
from app.interests.router import router as interests_router
from app.lifespan import lifespan
from app.matches.router import router as matches_router
from app.municipalities.router import router as municipalities_router
from app.observability import RequestContextMiddleware
from app.offers.import_router import router as offers_import_router
from app.offers.router import router as offers_router
from app.periods.router import router as periods_router
from app.portal.router import router as portal_router
from app.privacy.router import router as privacy_router
from app.questions.router import router as questions_router
from app.ranking.router import router as broker_router
from app.reports.router import router as reports_router
from app.users.router import router as users_router
from app.vocab.router import router as vocab_router
from app.web.core.setup import install_web
from app.web.routes import router as web_router

MIN_SECRET_LENGTH = 32


class InsecureConfigurationError(RuntimeError):
    """Raised at start-up when production would run with the demo secret."""


def create_app(
    settings: Settings | None = None, *, engine: Engine | None = None
) -> FastAPI:
    """Build the app; `engine` lets tests and tools share an existing database engine."""
    settings = settings or get_settings()
    if len(settings.secret_key.get_secret_value()) < MIN_SECRET_LENGTH:
        raise InsecureConfigurationError(
            f"KENNISBRUG_SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters "
            "(it signs tokens and session cookies); generate one with "
            "python3 -c 'import secrets; print(secrets.token_urlsafe(48))'"
        )
    if settings.uses_default_secret and not settings.demo_mode:
        raise InsecureConfigurationError(
            "refusing to start with the default KENNISBRUG_SECRET_KEY outside demo mode; "
            "set KENNISBRUG_SECRET_KEY to a long random value "
            "(or KENNISBRUG_DEMO_MODE=1 for a local demo)"
        )
    app = FastAPI(
        title="Kennisbrug",
        summary="Links a city's questions to the capacity of its knowledge institutions.",
        version="0.1.0",
        lifespan=lifespan,
        dependencies=[Depends(reject_nul_characters)],
    )
    app.state.settings = settings
    app.state.engine = engine
    if engine is not None:
        app.state.session_factory = make_session_factory(engine)
    register_error_handlers(app)
    app.add_middleware(RequestContextMiddleware, max_body_bytes=settings.max_body_bytes)
    for router in (
        health_router,
        auth_router,
        users_router,
        vocab_router,
        intake_router,
        questions_router,
        offers_import_router,
        offers_router,
        matches_router,
        broker_router,
        interests_router,
        portal_router,
        reports_router,
        privacy_router,
        municipalities_router,
        periods_router,
        web_router,
    ):
        app.include_router(router)
    install_web(app, settings)
    if settings.trusted_proxy_list:
        # Outermost, so every layer sees the client the proxy names. The server
        # itself never reads forwarded headers (see app/server.py).
        app.add_middleware(
            ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list
        )
    return app
