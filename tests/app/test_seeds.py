"""Seeding: the reference data, the demo world, and that running twice changes nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.codes import HOLDING_STATUSES
from app.config import Settings
from app.models import (
    Institution,
    Match,
    Neighbourhood,
    Offer,
    Question,
    Theme,
    User,
)
from seeds.loader import SeedReport, load_demo, load_reference, read_data

COUNTED = (Theme, Neighbourhood, Institution, User, Question, Offer, Match)


def counts(session: Session) -> dict[str, int]:
    return {
        m.__name__: session.scalar(select(func.count()).select_from(m)) or 0
        for m in COUNTED
    }


def seed_demo(session: Session, settings: Settings) -> SeedReport:
    report = SeedReport()
    load_reference(session, read_data("reference.json"), report)
    demo = load_demo(
        session, read_data("demo.json"), password="kennisbrug-demo", settings=settings
    )
    report.created.update(demo.created)
    return report


def test_seeding_twice_changes_nothing(session, settings):
    first = seed_demo(session, settings)
    assert first.created["questions"] >= 25
    assert first.created["offers"] >= 50
    after_first = counts(session)
    second = seed_demo(session, settings)
    assert second.created == {}
    assert counts(session) == after_first


def test_demo_world_covers_every_status_kind_level_and_theme(session, settings):
    seed_demo(session, settings)
    statuses = set(session.scalars(select(Question.status)))
    assert statuses == {
        "draft",
        "submitted",
        "open",
        "matched",
        "in_progress",
        "completed",
        "withdrawn",
        "not_matched",
    }
    assert set(session.scalars(select(Offer.kind))) == {"course", "thesis", "research"}
    assert set(session.scalars(select(Offer.level))) == {"mbo", "hbo", "wo"}
    used = {t.slug for q in session.scalars(select(Question)) for t in q.themes}
    assert used == set(session.scalars(select(Theme.slug)))
    public_open = session.scalar(
        select(func.count())
        .select_from(Question)
        .where(Question.status == "open", Question.is_public)
    )
    assert public_open >= 3


def test_demo_capacity_matches_held_places(session, settings):
    seed_demo(session, settings)
    for offer in session.scalars(select(Offer)):
        held = session.scalar(
            select(func.count())
            .select_from(Match)
            .where(Match.offer_id == offer.id, Match.status.in_(HOLDING_STATUSES))
        )
        assert offer.places_taken == held <= offer.capacity


def test_demo_users_log_in_with_the_demo_password(client, session, settings):
    seed_demo(session, settings)
    for email in (
        "makelaar@leiden.example",
        "gemeente@leiden.example",
        "docent@hsleiden.example",
        "onderzoeker@universiteitleiden.example",
        "admin@kennisbrug.example",
        "netwerk@kennisbrug.example",
    ):
        response = client.post(
            "/api/auth/token", data={"username": email, "password": "kennisbrug-demo"}
        )
        assert response.status_code == 200, email


def test_demo_follow_ups_link_to_the_question_they_follow(session, settings):
    seed_demo(session, settings)
    follow_ups = {
        q.title: q.follows_id
        for q in session.scalars(
            select(Question).where(Question.follows_id.is_not(None))
        )
    }
    assert len(follow_ups) == 2
    earlier = {
        session.get(Question, i).status for i in follow_ups.values() if i is not None
    }
    assert earlier == {"completed"}


def test_demo_programme_office_reads_only_the_network_report(client, session, settings):
    seed_demo(session, settings)
    token = client.post(
        "/api/auth/token",
        data={"username": "netwerk@kennisbrug.example", "password": "kennisbrug-demo"},
    ).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    network = client.get("/api/reports/network", headers=headers)
    assert network.status_code == 200
    assert "leiden" in network.text.lower()
    assert client.get("/api/reports/summary", headers=headers).status_code == 403
