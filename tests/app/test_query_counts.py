"""N+1 guards: a list route's SQL statement count must not grow with its rows.

Each test measures one route for one user with a small world (2 rows of what the
route lists) and again after the world grew to 12 rows; the count with 12 rows
may not exceed the count with 2. Every measured request is the second identical
one, so caches that a first request warms (the offer index, the session user) do
not count for either size. Statements are counted with a `before_cursor_execute`
listener on the test engine; SAVEPOINT and ROLLBACK TO SAVEPOINT of the request
session count too, once per request for both sizes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from app.models import Municipality, Neighbourhood, User
from tests.app.conftest import HeaderFactory
from tests.app.helpers import offer, open_question
from tests.app.web.support import login


class Meter:
    """GETs a path twice and counts the SQL statements of the second request."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.seen: list[str] = []
        self.counting = False
        self.last: Any = None

    def on_execute(
        self,
        conn: Any,
        cursor: Any,
        statement: str,
        parameters: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        if self.counting:
            self.seen.append(statement)

    def __call__(self, path: str, headers: dict[str, str] | None = None) -> int:
        warm = self.client.get(path, headers=headers or {})
        assert warm.status_code == 200, warm.text
        self.seen.clear()
        self.counting = True
        try:
            response = self.client.get(path, headers=headers or {})
        finally:
            self.counting = False
        assert response.status_code == 200, response.text
        self.last = response
        return len(self.seen)

    @property
    def text(self) -> str:
        assert self.last is not None
        return str(self.last.text)

    def json(self) -> Any:
        assert self.last is not None
        return self.last.json()


@pytest.fixture
def statements(engine: Engine, client: TestClient) -> Iterator[Meter]:
    meter = Meter(client)
    event.listen(engine, "before_cursor_execute", meter.on_execute)
    yield meter
    event.remove(engine, "before_cursor_execute", meter.on_execute)


def _add_cities(session: Session, count: int, start: int) -> None:
    """`count` more cities (each with one district) next to Leiden."""
    for k in range(start, start + count):
        city = Municipality(slug=f"stad-{k}", name=f"Stad {k}")
        session.add(city)
        session.flush()
        session.add(
            Neighbourhood(
                municipality_id=city.id, slug="centrum", name="Centrum", aliases=[]
            )
        )
    session.commit()


def test_network_report_api_queries_do_not_grow_with_cities(
    session: Session,
    make_user: Callable[..., User],
    auth: HeaderFactory,
    statements: Meter,
) -> None:
    """GET /api/reports/network (network role): six aggregate queries per city (reports/network.py _city)."""
    office = make_user("network")
    headers = auth(office)
    _add_cities(session, 1, 0)  # Leiden and one more: 2 rows
    small = statements("/api/reports/network", headers)
    assert len(statements.json()["cities"]) == 2
    _add_cities(session, 10, 1)  # 12 cities
    large = statements("/api/reports/network", headers)
    assert len(statements.json()["cities"]) == 12
    # Slack 0: grouping the per-city aggregates by municipality_id needs the same
    # handful of queries for any number of cities.
    assert large <= small, f"{small} statements for 2 cities, {large} for 12"


def test_network_report_page_queries_do_not_grow_with_cities(
    session: Session,
    client: TestClient,
    make_user: Callable[..., User],
    statements: Meter,
) -> None:
    """GET /rapportage/netwerk (admin): six aggregate queries per city (reports/network.py _city)."""
    admin = make_user("admin")
    login(client, admin)
    _add_cities(session, 1, 0)
    small = statements("/rapportage/netwerk")
    assert "Stad 0" in statements.text
    _add_cities(session, 10, 1)
    large = statements("/rapportage/netwerk")
    assert "Stad 10" in statements.text
    # Slack 0, as for the API: the page renders the same report.
    assert large <= small, f"{small} statements for 2 cities, {large} for 12"


def _offers(
    client: TestClient, headers: dict[str, str], start: int, count: int
) -> None:
    for k in range(start, start + count):
        offer(
            client,
            headers,
            title=f"Minor eenzaamheid onder ouderen, groep {k}",
            capacity=5,
        )


_CANDIDATE = re.compile(r'class="utrecht-heading-3 kb-candidate__title"')


def test_broker_question_page_queries_do_not_grow_with_candidates(
    client: TestClient,
    auth: HeaderFactory,
    staff: User,
    broker: User,
    provider: User,
    statements: Meter,
) -> None:
    """GET /makelaar/vragen/{id} (broker): one offer SELECT + 3 selectin loads per candidate card (offers/service.py contacts)."""
    question = open_question(client, auth(staff), auth(broker))
    path = f"/makelaar/vragen/{question['id']}"
    _offers(client, auth(provider), 0, 2)
    login(client, broker)
    small = statements(path)
    assert len(_CANDIDATE.findall(statements.text)) == 2
    _offers(client, auth(provider), 2, 10)
    large = statements(path)
    # The page shows at most CANDIDATE_LIMIT (10) of the 12 offers.
    assert len(_CANDIDATE.findall(statements.text)) == 10
    # Slack 0: the candidates' offers (and their contacts) load in a fixed number
    # of IN queries whatever the number of cards.
    assert large <= small, f"{small} statements for 2 candidates, {large} for 10"
