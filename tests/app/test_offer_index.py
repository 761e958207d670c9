"""The cached offer index follows the database through the ranking stamp.

Two app instances on one database (as two server processes are) each keep their
own index; a change made through one is in the other's next ranking, without a
restart. An unchanged stamp loads no offer at all.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from alembic import command
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from app.cli import alembic_config
from app.config import Settings
from app.db import make_engine
from app.main import create_app
from app.models import Municipality, Offer, RankingStamp, User
from app.ranking import index as offer_index
from app.ranking import repository as ranking_repository
from app.ranking.embeddings import reindex
from app.vocab.service import resolve_institution
from seeds.loader import SeedReport, load_reference, read_data
from tests.app.conftest import _PASSWORD_HASH
from tests.app.helpers import OFFER, open_question, propose, step
from tests.app.web.support import login

NEW_TITLE = "Zwerfafval in stadsparken: studenten meten en ruimen op"
NEW_DESCRIPTION = (
    "Studenten onderzoeken zwerfafval in parken en pleinen, tellen wat er ligt "
    "en testen met bewoners wat helpt tegen zwerfafval."
)


@pytest.fixture
def shared(fresh_url: str, settings: Settings) -> Iterator[dict[str, Any]]:
    """A migrated database with a staff member, a broker and a provider of Leiden."""
    command.upgrade(alembic_config(fresh_url), "head")
    engine = make_engine(fresh_url)
    with Session(engine) as session:
        load_reference(session, read_data("reference.json"), SeedReport())
        leiden = session.scalars(
            select(Municipality).where(Municipality.slug == "leiden")
        ).one()
        users = {}
        for role in ("staff", "broker", "provider"):
            user = User(
                email=f"{role}@shared.example",
                name=role.title(),
                role=role,
                password_hash=_PASSWORD_HASH,
                is_active=True,
            )
            if role != "provider":
                user.municipality = leiden
            else:
                user.institution = resolve_institution(session, "Hogeschool Leiden")
            session.add(user)
            users[role] = user
        session.commit()
        ids = {role: u.id for role, u in users.items()}
    yield {
        "settings": settings.model_copy(update={"database_url": fresh_url}),
        "engine": engine,
        "users": ids,
    }
    engine.dispose()


def _headers(user_id: Any) -> dict[str, str]:
    from app.security import create_token
    from tests.app.conftest import TEST_SECRET

    return {"Authorization": f"Bearer {create_token(user_id, TEST_SECRET, 60)}"}


def _run_embedding_job(engine: Engine, settings: Settings) -> None:
    from app.ranking.adapters import load_configured_encoder

    encoder = load_configured_encoder(settings)
    assert encoder is not None
    with Session(engine) as session:
        reindex(session, encoder, progress=False)


def _titles(client: TestClient, question_id: str, headers: dict[str, str]) -> list[str]:
    response = client.get(f"/api/questions/{question_id}/candidates", headers=headers)
    assert response.status_code == 200, response.text
    return [c["offer"]["title"] for c in response.json()["candidates"]]


def test_a_change_through_one_instance_is_in_the_others_next_ranking(shared):
    settings, engine, users = shared["settings"], shared["engine"], shared["users"]
    hs, hb, hp = (_headers(users[r]) for r in ("staff", "broker", "provider"))
    with (
        TestClient(create_app(settings)) as a,
        TestClient(create_app(settings)) as b,
    ):
        first = a.post("/api/offers", json=OFFER, headers=hp).json()
        second = a.post(
            "/api/offers",
            json={
                **OFFER,
                "title": "Minor Erfgoed: archeologie van de binnenstad",
                "description": "Studenten onderzoeken oude stadsmuren en vondsten.",
                "themes": ["erfgoed-cultuur"],
                "capacity": 1,
            },
            headers=hp,
        ).json()
        q = open_question(
            a,
            hs,
            hb,
            title="Zwerfafval in parken",
            description="Hoe krijgen we minder zwerfafval in de stadsparken?",
            themes=[],
            neighbourhood=None,
        )
        _run_embedding_job(engine, settings)  # what the worker does after commit
        before = _titles(b, q["id"], hb)  # B builds its index
        assert sorted(before) == sorted([first["title"], second["title"]])

        edited = a.patch(
            f"/api/offers/{second['id']}",
            json={"title": NEW_TITLE, "description": NEW_DESCRIPTION, "themes": []},
            headers=hp,
        )
        assert edited.status_code == 200, edited.text
        assert _titles(b, q["id"], hb)[0] == NEW_TITLE  # before any job ran
        _run_embedding_job(engine, settings)
        assert _titles(b, q["id"], hb)[0] == NEW_TITLE

        # The one place taken through A: B excludes the offer as full.
        m = propose(a, hb, q["id"], second["id"])
        assert step(a, hb, m["id"], "confirm").status_code == 200
        body = b.get(f"/api/questions/{q['id']}/candidates", headers=hb).json()
        assert second["id"] not in [c["offer"]["id"] for c in body["candidates"]]
        assert {e["offer"]["id"]: e["rule"] for e in body["excluded"]}[
            second["id"]
        ] == "capacity"


def test_every_write_of_ranking_input_bumps_the_stamp(shared):
    engine = shared["engine"]
    settings, users = shared["settings"], shared["users"]
    hp = _headers(users["provider"])

    def stamp() -> tuple[int, int]:
        with Session(engine) as session:
            return ranking_repository.stamp(session)

    with TestClient(create_app(settings)) as a:
        start = stamp()
        created = a.post("/api/offers", json=OFFER, headers=hp).json()
        after_create = stamp()
        assert after_create[0] > start[0]
        a.patch(f"/api/offers/{created['id']}", json={"capacity": 5}, headers=hp)
        after_edit = stamp()
        assert after_edit[0] > after_create[0]
        with Session(engine) as session:
            offer = session.get(Offer, uuid.UUID(created["id"]))
            assert offer is not None
            assert offer.index_version == after_edit[0]
            offer.contact_name = "Iemand anders"  # not ranking input
            session.commit()
        assert stamp() == after_edit
        _run_embedding_job(engine, settings)  # a stored offer vector changes
        now = stamp()
        assert now[0] > after_edit[0]
        with Session(engine) as session:
            row = session.get(RankingStamp, 1)
            assert row is not None
            assert (row.version, row.rebuild_version) == now


class _OfferSelects:
    """Counts SELECT statements that read the offers table."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self._engine = engine

    def __enter__(self) -> _OfferSelects:
        event.listen(self._engine, "before_cursor_execute", self._seen)
        return self

    def __exit__(self, *_: object) -> None:
        event.remove(self._engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        text = statement.lower()
        if text.lstrip().startswith("select") and " offers" in text:
            self.count += 1


def test_an_unchanged_stamp_loads_no_offer(shared, monkeypatch):
    settings, engine, users = shared["settings"], shared["engine"], shared["users"]
    hs, hb, hp = (_headers(users[r]) for r in ("staff", "broker", "provider"))
    with TestClient(create_app(settings)) as a:
        a.post("/api/offers", json=OFFER, headers=hp)
        q = open_question(a, hs, hb)
        indexes = offer_index.OfferIndexes()
        with Session(engine) as session:
            city = session.scalars(
                select(Municipality).where(Municipality.slug == "leiden")
            ).one()
            first = indexes.get(session, None, city.id, settings.reference_date)
            assert len(first.index) == 1
        pool_loads: list[int] = []
        changed_loads: list[int] = []
        real_pool = ranking_repository.offer_pool
        real_changed = ranking_repository.offers_changed_since
        monkeypatch.setattr(
            ranking_repository,
            "offer_pool",
            lambda *a, **k: pool_loads.append(1) or real_pool(*a, **k),
        )
        monkeypatch.setattr(
            ranking_repository,
            "offers_changed_since",
            lambda *a, **k: changed_loads.append(1) or real_changed(*a, **k),
        )
        with Session(engine) as session, _OfferSelects(engine) as selects:
            again = indexes.get(session, None, city.id, settings.reference_date)
        assert again is first
        assert (selects.count, pool_loads, changed_loads) == (0, [], [])

        # A change loads the changed offers only, never the whole pool again.
        a.post("/api/offers", json={**OFFER, "title": "Tweede aanbod"}, headers=hp)
        with Session(engine) as session:
            later = indexes.get(session, None, city.id, settings.reference_date)
        assert len(later.index) == 2
        assert (pool_loads, changed_loads) == ([], [1])
        assert q["id"]


@pytest.mark.manual_jobs
def test_without_the_questions_vector_the_page_says_so_and_nothing_is_encoded(
    client, session, app, staff, broker, provider, auth
):
    from app.models import Embedding
    from app.ranking.service import PENDING_VECTOR_WARNING

    offer = client.post("/api/offers", json=OFFER, headers=auth(provider)).json()
    q = open_question(client, auth(staff), auth(broker))
    url = f"/api/questions/{q['id']}/candidates"
    body = client.get(url, headers=auth(broker)).json()
    assert body["warning"] == PENDING_VECTOR_WARNING
    assert [c["offer"]["id"] for c in body["candidates"]] == [offer["id"]]
    assert "dense" not in body["candidates"][0]["components"]
    assert session.scalars(select(Embedding)).all() == []  # the request encoded none
    login(client, broker)
    page = client.get(f"/makelaar/vragen/{q['id']}")
    assert page.status_code == 200
    assert "nog niet door het taalmodel verwerkt" in page.text

    reindex(session, app.state.encoder, progress=False)  # the embedding job
    body = client.get(url, headers=auth(broker)).json()
    assert body["warning"] is None
    assert "dense" in body["candidates"][0]["components"]
