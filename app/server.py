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
