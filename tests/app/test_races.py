"""Race harness: conflicting steps fired at one barrier against a live server.

Each round builds fresh rows, releases two (or more) requests at the same moment
and records their answers; afterwards the database itself is checked:
- places taken equal the matches holding a place, and never exceed the capacity;
- every question whose status follows its matches has the status they imply;
- the audit log of every entity is one chain (each step starts where the last
  ended): no two steps were decided on the same state;
- steps that exclude each other in either order: exactly one succeeded;
- no answer is a 5xx; every refusal is a 409 in the error shape.

It commits for real (a live server cannot join the per-test transaction), so it
builds its own municipality and removes everything it made afterwards. The same
harness runs on SQLite (writers serialised) and PostgreSQL (the deployment case).
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, delete, func, or_, select
from sqlalchemy.orm import Session

from app.codes import HOLDING_STATUSES
from app.config import Settings
from app.main import create_app
from app.models import (
    Event,
    Institution,
    Interest,
    Match,
    Municipality,
    Offer,
    OutboxMail,
    Question,
    User,
)
from app.ratelimit import RateLimiter
from app.security import PASSWORD_RESET, create_token
from tests.app.conftest import TEST_SECRET
from tests.app.portal_world import rate_limits
from tests.live_server import live_server

ROUNDS = 10


@dataclass
class Call:
    """One request of a race: who sends what."""

    who: str
    method: str
    path: str
    json: Any = None


@dataclass
class Arena:
    """The race city, its users' tokens, and the server they talk to."""

    engine: Engine
    base_url: str
    city_id: uuid.UUID
    city_slug: str
    institution_id: uuid.UUID
    users: dict[str, uuid.UUID]
    tokens: dict[str, str]
    outcomes: list[tuple[str, list[httpx.Response]]] = field(default_factory=list)

    def fire(self, label: str, calls: list[Call]) -> list[httpx.Response]:
        """Send every call at the same moment; returns the answers in call order."""
        barrier = threading.Barrier(len(calls))
        answers: list[httpx.Response | None] = [None] * len(calls)
        clients = [
            httpx.Client(
                base_url=self.base_url,
                timeout=60,
                headers={"Authorization": f"Bearer {self.tokens[c.who]}"},
            )
            for c in calls
        ]

        def send(i: int) -> None:
            call = calls[i]
            barrier.wait()
            answers[i] = clients[i].request(call.method, call.path, json=call.json)

        threads = [threading.Thread(target=send, args=(i,)) for i in range(len(calls))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for c in clients:
            c.close()
        done = [a for a in answers if a is not None]
        assert len(done) == len(calls)
        self.outcomes.append((label, done))
        return done

    # -- building rows ---------------------------------------------------------
    def offer(self, s: Session, *, capacity: int = 1, taken: int = 0) -> Offer:
        o = Offer(
            municipality_id=self.city_id,
            institution_id=self.institution_id,
            owner_id=self.users["broker"],
            kind="course",
            title=f"Minor {uuid.uuid4().hex[:6]}",
            description="Studenten werken aan een vraag van de stad.",
            level="hbo",
            capacity=capacity,
            places_taken=taken,
        )
        s.add(o)
        s.flush()
        return o

    def question(self, s: Session, status: str, *, public: bool = False) -> Question:
        q = Question(
            municipality_id=self.city_id,
            owner_id=self.users["owner"],
            title=f"Vraag {uuid.uuid4().hex[:6]}",
            description="Een vraag voor de race.",
            status=status,
            is_public=public,
            wanted_from=date(2027, 2, 1),
            wanted_until=date(2027, 6, 30),
        )
        s.add(q)
        s.flush()
        return q

    def match(self, s: Session, q: Question, o: Offer, status: str) -> Match:
        m = Match(
            municipality_id=self.city_id,
            question_id=q.id,
            offer_id=o.id,
            status=status,
            components={},
            explanation="",
        )
        s.add(m)
        s.flush()
        return m


@pytest.fixture
def arena(engine: Engine, settings: Settings) -> Iterator[Arena]:
    slug = f"race-{uuid.uuid4().hex[:8]}"
    with Session(engine, expire_on_commit=False) as s:
        city = Municipality(slug=slug, name="Racestad")
        s.add(city)
        s.flush()
        institution = s.scalars(
            select(Institution).where(Institution.level == "hbo")
        ).first()
        assert institution is not None

        def user(role: str, name: str) -> User:
            u = User(
                email=f"{name}-{slug}@test.example",
                name=name,
                role=role,
                password_hash="x",
                municipality_id=city.id if role != "admin" else None,
            )
            s.add(u)
            return u

        people = {
            "broker": user("broker", "broker"),
            "broker2": user("broker", "broker2"),
            "owner": user("staff", "owner"),
            "admin": user("admin", "admin"),
        }
        s.commit()
        users = {k: u.id for k, u in people.items()}
        institution_id = institution.id
    app = create_app(settings, engine=engine)
    # Many sign-ups from one test client: the limits are not what is tested here.
    app.state.rate_limiter = RateLimiter(rate_limits(enabled=False))
    with live_server(app) as base:
        yield Arena(
            engine=engine,
            base_url=base,
            city_id=city.id,
            city_slug=slug,
            institution_id=institution_id,
            users=users,
            tokens={k: create_token(v, TEST_SECRET, 30) for k, v in users.items()},
        )
    with Session(engine) as s:
        mine = select(User.id).where(User.email.like(f"%-{slug}@test.example"))
        s.execute(delete(Event).where(Event.municipality_id == city.id))
        s.execute(delete(Event).where(Event.actor_id.in_(mine)))
        s.execute(delete(OutboxMail).where(OutboxMail.to_address.like(f"%{slug}%")))
        s.execute(delete(Interest).where(Interest.municipality_id == city.id))
        s.execute(delete(Match).where(Match.municipality_id == city.id))
        s.execute(delete(Question).where(Question.municipality_id == city.id))
        s.execute(delete(Offer).where(Offer.municipality_id == city.id))
        s.execute(delete(User).where(User.email.like(f"%-{slug}@test.example")))
        s.execute(delete(Municipality).where(Municipality.id == city.id))
        s.commit()


# -- what the database must say afterwards ---------------------------------------
def derived_status(statuses: list[str]) -> str:
    """The question status its matches imply (app.matches.service.sync_question_status)."""
    working = statuses.count("confirmed") + statuses.count("in_progress")
    done = statuses.count("completed")
    if working == 0:
        return "completed" if done else "open"
    if statuses.count("in_progress") or done:
        return "in_progress"
    return "matched"


def check_database(arena: Arena) -> None:
    with Session(arena.engine) as s:
        for o in s.scalars(select(Offer).where(Offer.municipality_id == arena.city_id)):
            held = s.scalar(
                select(func.count())
                .select_from(Match)
                .where(Match.offer_id == o.id, Match.status.in_(HOLDING_STATUSES))
            )
            assert o.places_taken == held, f"offer {o.title}: places != holding"
            assert o.places_taken <= o.capacity
        for q in s.scalars(
            select(Question).where(Question.municipality_id == arena.city_id)
        ):
            statuses = list(
                s.scalars(select(Match.status).where(Match.question_id == q.id))
            )
            if q.status in ("open", "matched", "in_progress", "completed"):
                assert q.status == derived_status(statuses), (q.title, statuses)
        for entity_id, chain in _status_chains(s, arena).items():
            for earlier, later in itertools.pairwise(chain):
                assert later[0] == earlier[1], f"{entity_id}: steps {chain} fork"


def _status_chains(s: Session, arena: Arena) -> dict[uuid.UUID, list[tuple[str, str]]]:
    chains: dict[uuid.UUID, list[tuple[str, str]]] = {}
    events = s.scalars(
        select(Event)
        .where(
            Event.municipality_id == arena.city_id,
            Event.action == "status_changed",
        )
        .order_by(Event.created_at, Event.id)
    )
    for e in events:
        step = e.changes["status"]
        chains.setdefault(e.entity_id, []).append((step["before"], step["after"]))
    return chains


def check_answers(arena: Arena) -> None:
    for label, answers in arena.outcomes:
        for a in answers:
            assert a.status_code < 500, (label, a.status_code, a.text[:300])
            if a.status_code >= 400:
                assert a.status_code == 409, (label, a.status_code, a.text[:300])
                assert set(a.json()) == {"error", "detail", "fields"}


def successes(answers: list[httpx.Response]) -> int:
    return sum(a.status_code < 300 for a in answers)


# -- the races ---------------------------------------------------------------------
STEP_BODY: dict[str, Any] = {
    "confirm": None,
    "start": None,
    "reject": {"reason": "Past niet"},
    "cancel": {"reason": "Gaat niet door"},
    "complete": {"outcome_summary": "Een bruikbaar advies voor de stad."},
}
# (first step, second step, status both start from, whether either order fails)
MATCH_PAIRS = [
    ("confirm", "cancel", "proposed", False),
    ("confirm", "reject", "proposed", True),
    ("reject", "cancel", "proposed", True),
    ("confirm", "confirm", "proposed", True),
    ("start", "cancel", "confirmed", False),
    ("start", "start", "confirmed", True),
    ("cancel", "cancel", "confirmed", True),
    ("complete", "cancel", "in_progress", True),
    ("complete", "complete", "in_progress", True),
]
QUESTION_OF = {"proposed": "open", "confirmed": "matched", "in_progress": "in_progress"}


def match_call(step: str, match_id: uuid.UUID, who: str = "broker") -> Call:
    return Call(who, "POST", f"/api/matches/{match_id}/{step}", STEP_BODY[step])


def test_match_steps_racing_on_one_match(arena: Arena):
    for first, second, start, exclusive in MATCH_PAIRS:
        for _ in range(ROUNDS):
            with Session(arena.engine) as s:
                held = start in HOLDING_STATUSES
                o = arena.offer(s, capacity=1, taken=int(held))
                q = arena.question(s, QUESTION_OF[start])
                m = arena.match(s, q, o, start)
                s.commit()
                match_id = m.id
            answers = arena.fire(
                f"{first}/{second} from {start}",
                [match_call(first, match_id), match_call(second, match_id, "broker2")],
            )
            assert successes(answers) == 1 if exclusive else successes(answers) >= 1
    check_answers(arena)
    check_database(arena)


def test_question_follows_matches_changed_at_once(arena: Arena):
    """One match is confirmed while another of the same question is cancelled."""
    for _ in range(ROUNDS):
        with Session(arena.engine) as s:
            q = arena.question(s, "matched")
            proposed = arena.match(s, q, arena.offer(s), "proposed")
            confirmed = arena.match(s, q, arena.offer(s, taken=1), "confirmed")
            s.commit()
            ids = (proposed.id, confirmed.id)
        answers = arena.fire(
            "confirm one, cancel another",
            [match_call("confirm", ids[0]), match_call("cancel", ids[1], "broker2")],
        )
        assert successes(answers) == 2
    check_answers(arena)
    check_database(arena)


# Every pair of manual transitions from `submitted` and from `open`, with who asks.
TRANSITIONS = {
    "submitted": [("open", "broker"), ("withdrawn", "owner"), ("not_matched", "broker2"), ("draft", "owner")],
    "open": [("withdrawn", "owner"), ("not_matched", "broker"), ("withdrawn", "broker2")],
}  # fmt: skip


def test_question_transitions_racing(arena: Arena):
    for start, steps in TRANSITIONS.items():
        for i, (to_a, who_a) in enumerate(steps):
            for to_b, who_b in steps[i + 1 :]:
                for _ in range(ROUNDS // 2):
                    with Session(arena.engine) as s:
                        q = arena.question(s, start)
                        s.commit()
                        path = f"/api/questions/{q.id}/transition"
                    answers = arena.fire(
                        f"{to_a}/{to_b} from {start}",
                        [
                            Call(who_a, "POST", path, {"to": to_a}),
                            Call(who_b, "POST", path, {"to": to_b}),
                        ],
                    )
                    assert successes(answers) >= 1
                    for a in answers:
                        if a.status_code == 409:  # names the status it found
                            assert "'" in a.json()["detail"]
    check_answers(arena)
    check_database(arena)


def test_capacity_edit_racing_confirms(arena: Arena):
    """Lowering capacity to the places taken while a confirm takes one more."""
    for _ in range(ROUNDS):
        with Session(arena.engine) as s:
            o = arena.offer(s, capacity=2, taken=1)
            arena.match(s, arena.question(s, "matched"), o, "confirmed")
            m = arena.match(s, arena.question(s, "open"), o, "proposed")
            s.commit()
            offer_id, match_id = o.id, m.id
        answers = arena.fire(
            "capacity edit vs confirm",
            [
                Call("broker", "PATCH", f"/api/offers/{offer_id}", {"capacity": 1}),
                match_call("confirm", match_id, "broker2"),
            ],
        )
        assert successes(answers) == 1
    check_answers(arena)
    check_database(arena)


def test_edits_of_one_read_racing(arena: Arena):
    """Two people save an edit of the same version at once: one wins, the other
    gets 409 and nothing of the winner's is overwritten (no lost update)."""
    for _ in range(ROUNDS):
        with Session(arena.engine) as s:
            q = arena.question(s, "submitted")
            o = arena.offer(s, capacity=3)
            s.commit()
            edits: list[tuple[type[Question | Offer], uuid.UUID, str, list[Call]]] = [
                (
                    Question,
                    q.id,
                    "title",
                    [
                        Call(
                            "owner",
                            "PATCH",
                            f"/api/questions/{q.id}",
                            {"title": "Titel van de eigenaar", "version": 1},
                        ),
                        Call(
                            "broker",
                            "PATCH",
                            f"/api/questions/{q.id}",
                            {"title": "Titel van de makelaar", "version": 1},
                        ),
                    ],
                ),
                (
                    Offer,
                    o.id,
                    "capacity",
                    [
                        Call(
                            "broker",
                            "PATCH",
                            f"/api/offers/{o.id}",
                            {"capacity": 5, "version": 1},
                        ),
                        Call(
                            "broker2",
                            "PATCH",
                            f"/api/offers/{o.id}",
                            {"capacity": 6, "version": 1},
                        ),
                    ],
                ),
            ]
        for model, row_id, name, calls in edits:
            answers = arena.fire("edits of one version", calls)
            (won,) = [a for a in answers if a.status_code == 200]
            (lost,) = [a for a in answers if a.status_code == 409]
            assert lost.json()["fields"] == {"version": "the current version is 2"}
            assert won.json()["version"] == 2
            with Session(arena.engine) as s:
                assert getattr(s.get(model, row_id), name) == won.json()[name]
    check_answers(arena)
    check_database(arena)


def test_duplicate_creates_racing(arena: Arena):
    """The same interest, account and proposal created by several requests at once."""
    for round_ in range(ROUNDS // 2):
        with Session(arena.engine) as s:
            q = arena.question(s, "open", public=True)
            o = arena.offer(s)
            s.commit()
            question_id, offer_id = q.id, o.id
        interest = {
            "name": "Sam Student",
            "email": "sam@student.example",
            "institution": "Hogeschool Leiden",
            "level": "hbo",
            "motivation": "Ik wil graag meedoen aan deze opdracht.",
        }
        answers = arena.fire(
            "interest",
            [
                Call("owner", "POST", f"/api/portal/assignments/{question_id}/interest", interest)
                for _ in range(4)
            ],
        )  # fmt: skip
        assert {a.json()["status"] for a in answers} == {"pending_confirmation"}
        account = {
            "email": f"nieuw{round_}-{arena.city_slug}@test.example",
            "name": "Nieuw",
            "role": "staff",
            "municipality": arena.city_slug,
            "password": "een lang wachtwoord",
        }
        answers = arena.fire(
            "account", [Call("admin", "POST", "/api/users", account)] * 4
        )
        assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
        pair = {"question_id": str(question_id), "offer_id": str(offer_id)}
        answers = arena.fire(
            "proposal", [Call("broker", "POST", "/api/matches", pair)] * 4
        )
        assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
    check_answers(arena)
    with Session(arena.engine) as s:
        rows = s.execute(
            select(Interest.question_id, func.count())
            .where(Interest.municipality_id == arena.city_id)
            .group_by(Interest.question_id)
        ).all()
        assert rows
        assert all(n == 1 for _, n in rows)
        accounts = s.scalar(
            select(func.count())
            .select_from(User)
            .where(or_(User.email.like(f"nieuw%-{arena.city_slug}@test.example")))
        )
        assert accounts == ROUNDS // 2
    check_database(arena)


def test_one_reset_link_used_at_once_sets_one_password(arena: Arena):
    """A password-reset link sent four times at once: one new password, the other
    requests refused, and the session version raised exactly once."""
    owner = arena.users["owner"]
    for round_ in range(ROUNDS // 2):
        with Session(arena.engine) as s:
            version = s.get_one(User, owner).session_version
        link = create_token(
            owner, TEST_SECRET, 30, session_version=version, purpose=PASSWORD_RESET
        )
        calls = [
            Call(
                "owner",
                "POST",
                "/api/auth/password-reset/confirm",
                {"token": link, "password": f"wachtwoord nummer {round_}-{i}"},
            )
            for i in range(4)
        ]
        answers = arena.fire("reset", calls)
        assert sorted(a.status_code for a in answers) == [204, 422, 422, 422]
        with Session(arena.engine) as s:
            assert s.get_one(User, owner).session_version == version + 1
        arena.outcomes.clear()
