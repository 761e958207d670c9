"""Fixtures for the page tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi import FastAPI

from app.ratelimit import RateLimiter
from tests.app.portal_world import fresh_limiter

UrlFor = Callable[..., str]


@pytest.fixture
def url(app: FastAPI) -> UrlFor:
    """A page's path by route name: url("staff_question_page", question_id=...)."""

    def _url(name: str, /, **params: object) -> str:
        return str(app.url_path_for(name, **params))

    return _url


@pytest.fixture
def limiter(app: FastAPI) -> Iterator[RateLimiter]:
    """The production default limits in memory, counted from zero for this test."""
    app.state.rate_limiter = fresh_limiter()
    yield app.state.rate_limiter
    app.state.rate_limiter.reset()
