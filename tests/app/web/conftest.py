"""Fixtures for the page tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import FastAPI

from app.ratelimit import RateLimiter
from tests.app.portal_world import fresh_limiter


@pytest.fixture
def limiter(app: FastAPI) -> Iterator[RateLimiter]:
    """The production default limits in memory, counted from zero for this test."""
    app.state.rate_limiter = fresh_limiter()
    yield app.state.rate_limiter
    app.state.rate_limiter.reset()
