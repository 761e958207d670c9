"""How uvicorn serves the app: the same options for `kennisbrug serve` and tests."""

from __future__ import annotations

from typing import Any

# proxy_headers=False: uvicorn would otherwise believe X-Forwarded-For from
# loopback, so anyone on the machine (or behind a careless proxy) could choose
# their address and reset every per-client limit. Forwarded headers are read only
# by the app, and only from KENNISBRUG_TRUSTED_PROXIES (see create_app).
SERVER_OPTIONS: dict[str, Any] = {
    "proxy_headers": False,
    "server_header": False,
    "log_config": None,
}


def served_app() -> Any:
    """The app as `kennisbrug serve` builds it, for uvicorn's worker processes.

    With `--workers N` uvicorn starts N processes that each import and call this
    factory (an import string is required), so each loads its own model and index.
    """
    from app.config import get_settings
    from app.main import create_app
    from app.observability import configure_logging

    settings = get_settings()
    configure_logging(json=settings.log_json)
    return create_app(settings)
