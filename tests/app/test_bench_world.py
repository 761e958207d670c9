"""The load test's world is built through the services: when a service's signature
changes, `python -m bench.load` must not be the first to notice (it once failed at
set-up because `transition_question` gained `today`)."""

from __future__ import annotations

from collections.abc import Callable

from alembic import command
from sqlalchemy import func, select

from app.cli import alembic_config
from app.config import Settings
from app.db import make_engine, make_session_factory
from app.models import Offer, Question
from bench.load import generate_world
from seeds.loader import SeedReport, load_demo, load_reference, read_data


def test_the_load_test_world_is_built_through_the_services(
    new_database: Callable[[], str], settings: Settings
) -> None:
    url = new_database()
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as s:
            load_reference(s, read_data("reference.json"), SeedReport())
            load_demo(
                s, read_data("demo.json"), password="kennisbrug-demo", settings=settings
            )
            offers = s.scalar(select(func.count()).select_from(Offer)) or 0
            open_before = (
                s.scalar(select(func.count()).where(Question.status == "open")) or 0
            )
        made = generate_world(url, 6, 4, seed=1)
        with make_session_factory(engine)() as s:
            assert s.scalar(select(func.count()).select_from(Offer)) == offers + 6
            assert (
                s.scalar(select(func.count()).where(Question.status == "open"))
                == open_before + 4
            )
        assert made == {"offers": 6, "questions": 4}
    finally:
        engine.dispose()
