"""Per-client request limits shared by every endpoint that needs one.

Built on `limits` and used as a FastAPI dependency rather than a decorator, so a
refusal is an ordinary `TooManyRequestsError` in the
one JSON error shape and the limits come from settings at run time.

The limits and the storage come from the app's settings (KENNISBRUG_RATE_LIMIT_*).
The counters live in the storage named by `KENNISBRUG_RATE_LIMIT_STORAGE`:
`memory://` (default) is right for one process; several app processes must share
`redis://host:6379` so that a client cannot multiply its quota by the process count.

The client is identified by `request.client.host`. Behind a reverse proxy set
`KENNISBRUG_TRUSTED_PROXIES` to its address: only then does the app take the client
from X-Forwarded-For (app.main), so nobody else can choose their own address.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from limits import RateLimitItem, parse_many
from limits.errors import ConfigurationError, StorageError
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from app.config import Settings
from app.errors import ServiceUnavailableError, TooManyRequestsError


class RateLimitStorageDown(ServiceUnavailableError):
    def __init__(self) -> None:
        super().__init__("the rate-limit storage is unavailable; try again later")


_NAMESPACE = "kennisbrug"
_init_lock = threading.Lock()


class RateLimiter:
    """Counts hits per (scope, client) in a moving window, in the configured storage."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.enabled = settings.rate_limit_enabled
        # wrap_exceptions: a storage outage surfaces as limits' StorageError only.
        url = settings.rate_limit_storage
        storage = storage_from_string(url, wrap_exceptions=True)
        if not isinstance(storage, Storage):
            raise ConfigurationError(
                f"{url!r} is an async storage; use a synchronous one"
            )
        self.storage = storage
        self.strategy = MovingWindowRateLimiter(self.storage)
        self._rules: dict[str, list[RateLimitItem]] = {}

    def rules(self, scope: str) -> list[RateLimitItem]:
        """The parsed limits of `scope` (Settings.rate_limit_<scope>)."""
        if scope not in self._rules:
            text = getattr(self.settings, f"rate_limit_{scope}")
            self._rules[scope] = parse_many(str(text))
        return self._rules[scope]

    def hit(self, scope: str, client: str) -> None:
        """Count one request; raise 429 when any limit of `scope` is exceeded."""
        if not self.enabled:
            return
        try:
            for rule in self.rules(scope):
                if not self.strategy.hit(rule, _NAMESPACE, scope, client):
                    stats = self.strategy.get_window_stats(
                        rule, _NAMESPACE, scope, client
                    )
                    wait = max(1, math.ceil(stats.reset_time - time.time()))
                    raise TooManyRequestsError(
                        f"too many requests: at most {rule} per client; "
                        f"try again in {wait} seconds",
                        retry_after=wait,
                    )
        except StorageError as exc:
            raise RateLimitStorageDown() from exc

    def check(self, scope: str, client: str) -> None:
        """Raise 429 if `scope` is already exhausted for `client`, without counting."""
        if not self.enabled:
            return
        try:
            for rule in self.rules(scope):
                if not self.strategy.test(rule, _NAMESPACE, scope, client):
                    stats = self.strategy.get_window_stats(
                        rule, _NAMESPACE, scope, client
                    )
                    wait = max(1, math.ceil(stats.reset_time - time.time()))
                    raise TooManyRequestsError(
                        f"too many attempts: try again in {wait} seconds",
                        retry_after=wait,
                    )
        except StorageError as exc:
            raise RateLimitStorageDown() from exc

    def reset(self) -> None:
        """Forget every counter (tests, or an operator after a false alarm)."""
        self.storage.reset()


def get_rate_limiter(request: Request) -> RateLimiter:
    """The app's limiter, built once from the app's settings on first use."""
    limiter: RateLimiter | None = getattr(request.app.state, "rate_limiter", None)
    if limiter is None:
        with _init_lock:
            limiter = getattr(request.app.state, "rate_limiter", None)
            if limiter is None:
                limiter = RateLimiter(request.app.state.settings)
                request.app.state.rate_limiter = limiter
    return limiter


def client_key(request: Request) -> str:
    """The client's address as seen by the server (`testclient` in tests)."""
    return request.client.host if request.client else "unknown"


def rate_limit(scope: str) -> Callable[[Request], None]:
    """A dependency that counts the request against the limits of `scope`."""

    def _limit(request: Request) -> None:
        get_rate_limiter(request).hit(scope, client_key(request))

    return _limit


RateLimiterDep = Annotated[RateLimiter, Depends(get_rate_limiter)]
