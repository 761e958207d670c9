"""Many parallel confirms for one offer against a live server: never overbooked.

This test commits for real (a live server cannot join the per-test transaction), so
it builds its own municipality and removes everything it made afterwards.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy import Engine, delete, func, select
from sqlalchemy.orm import Session

from app.config import Settings
from app.main import create_app
from app.models import (
    Event,
    Institution,
    Match,
    Municipality,
    Offer,
    Question,
    User,
)
from app.security import create_token
from tests.app.conftest import TEST_SECRET
from tests.live_server import live_server

CAPACITY = 3
REQUESTS = 24


@dataclass
class World:
    municipality_id: uuid.UUID
    offer_id: uuid.UUID
    spare_offer_id: uuid.UUID
    question_ids: list[uuid.UUID]
    match_ids: list[uuid.UUID]
    broker_token: str


@pytest.fixture
def world(engine: Engine) -> Iterator[World]:
    with Session(engine, expire_on_commit=False) as s:
        city = Municipality(slug=f"race-{uuid.uuid4().hex[:8]}", name="Racestad")
        s.add(city)
        s.flush()
        institution = s.scalars(
            select(Institution).where(Institution.level == "hbo")
        ).first()
        assert institution is not None
        broker = User(
            email=f"broker-{city.slug}@test.example",
            name="Race Broker",
            role="broker",
            password_hash="x",
            municipality_id=city.id,
        )
        s.add(broker)
        s.flush()

        def course(title: str, description: str) -> Offer:
            return Offer(
                municipality_id=city.id,
                institution_id=institution.id,
                owner_id=broker.id,
                kind="course",
                title=title,
                description=description,
                level="hbo",
                capacity=CAPACITY,
                places_taken=0,
            )

        offer = course("Populaire minor", "Iedereen wil deze minor.")
        spare = course("Nog vrije minor", "Nog niemand gekoppeld.")
        s.add_all([offer, spare])
        s.flush()
        matches = []
        for i in range(REQUESTS):
            question = Question(
                municipality_id=city.id,
                owner_id=broker.id,
                title=f"Vraag {i}",
                description="Een vraag die deze minor wil.",
                status="open",
            )
            s.add(question)
            s.flush()
            match = Match(
                municipality_id=city.id,
                question_id=question.id,
                offer_id=offer.id,
                status="proposed",
            )
            s.add(match)
            matches.append(match)
        s.commit()
        world = World(
            municipality_id=city.id,
            offer_id=offer.id,
            spare_offer_id=spare.id,
            question_ids=[m.question_id for m in matches],
            match_ids=[m.id for m in matches],
            broker_token=create_token(broker.id, TEST_SECRET, 10),
        )
    yield world
    with Session(engine) as s:
        city_id = world.municipality_id
        s.execute(delete(Event).where(Event.municipality_id == city_id))
        s.execute(delete(Match).where(Match.municipality_id == city_id))
        s.execute(delete(Question).where(Question.municipality_id == city_id))
        s.execute(delete(Offer).where(Offer.municipality_id == city_id))
        s.execute(delete(User).where(User.municipality_id == city_id))
        s.execute(delete(Municipality).where(Municipality.id == city_id))
        s.commit()


def test_parallel_confirms_never_overbook(
    engine: Engine, settings: Settings, world: World
):
    app = create_app(settings, engine=engine)
    headers = {"Authorization": f"Bearer {world.broker_token}"}
    with (
        live_server(app) as base,
        httpx.Client(base_url=base, headers=headers, timeout=60) as http,
    ):

        def confirm(match_id: uuid.UUID) -> int:
            return http.post(f"/api/matches/{match_id}/confirm").status_code

        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses = list(pool.map(confirm, world.match_ids))

    assert sorted(statuses) == [200] * CAPACITY + [409] * (REQUESTS - CAPACITY)
    with Session(engine) as s:
        offer = s.get(Offer, world.offer_id)
        assert offer is not None
        held = s.scalar(
            select(func.count())
            .select_from(Match)
            .where(Match.offer_id == world.offer_id, Match.status == "confirmed")
        )
        assert offer.places_taken == held == CAPACITY


def test_parallel_proposals_of_one_pair_give_one_match(
    engine: Engine, settings: Settings, world: World
):
    app = create_app(settings, engine=engine)
    headers = {"Authorization": f"Bearer {world.broker_token}"}
    body = {
        "question_id": str(world.question_ids[0]),
        "offer_id": str(world.spare_offer_id),
    }
    with (
        live_server(app) as base,
        httpx.Client(base_url=base, headers=headers, timeout=60) as http,
        ThreadPoolExecutor(max_workers=8) as pool,
    ):
        statuses = list(
            pool.map(
                lambda _: http.post("/api/matches", json=body).status_code, range(8)
            )
        )
    assert sorted(statuses) == [201] + [409] * 7
    with Session(engine) as s:
        count = s.scalar(
            select(func.count())
            .select_from(Match)
            .where(Match.offer_id == world.spare_offer_id)
        )
        assert count == 1
