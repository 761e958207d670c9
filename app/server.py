"""How uvicorn serves the app: the same options for `kennisbrug serve` and tests."""

from __future__ import annotations

import gc
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


GC_THRESHOLDS = (20_000, 20, 10)
"""Generation thresholds for a server process (CPython's default is 700, 10, 10)."""


def tune_garbage_collector() -> None:
    """Freeze what start-up built and run the cyclic collector less often.

    Under load (bench.load, 50 users, one process) a full collection walked the
    whole heap (model, imports, indexes) every 5-8 s and stopped every thread for
    150-540 ms: that, not CPU, made the p95 (609 ms). With the start-up heap frozen
    (never walked again; it stays alive all along) and a larger first generation,
    so that objects of requests in flight are not promoted as soon as they are
    made, the p95 is 114 ms. Called once per server process, after the model
    loaded; not in tests, which build many apps in one process.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


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
