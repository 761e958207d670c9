"""Races of the write endpoints outside the question/offer/match steps: accounts,
password reset, erasure, focus themes, the confirm button, interest confirmation.

Each test builds its rows, releases two (or more) requests at one barrier against
the live server of `tests.app.test_races` (its `arena`), for several rounds, and
then checks the invariant a user relies on in the database itself; the message
says in how many rounds it broke. Each failed on PostgreSQL before its fix.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.codes import MatchStatus
from app.config import Settings
from app.interests.service import confirmation_token
from app.models import (
    Event,
    FocusTheme,
    Institution,
    Interest,
    Match,
    Offer,
    OutboxMail,
    Theme,
    User,
)
from app.privacy.service import erase_person
from app.security import PASSWORD_RESET, create_token
from app.users.service import end_all_sessions
from tests.app import test_races
from tests.app.conftest import _PASSWORD_HASH, TEST_PASSWORD, TEST_SECRET
from tests.app.test_races import Arena, Call, check_answers, check_database

# The race city, its accounts and the live server they talk to (a fixture).
arena = test_races.arena

ROUNDS = 12
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


# -- firing ------------------------------------------------------------------------
Send = Callable[[], httpx.Response]


def race(sends: list[Send], delays: list[float] | None = None) -> list[httpx.Response]:
    """Release every send at one barrier (each after its own delay, in seconds);
    returns the answers in order."""
    delays = delays or [0.0] * len(sends)
    barrier = threading.Barrier(len(sends))
    answers: list[httpx.Response | None] = [None] * len(sends)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        barrier.wait()
        if delays[i]:
            time.sleep(delays[i])
        try:
            answers[i] = sends[i]()
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(sends))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    done = [a for a in answers if a is not None]
    assert len(done) == len(sends)
    return done


def api(arena: Arena, call: Call) -> Send:
    """A prepared API request with a fresh token of `call.who` (its session version
    may have moved on in an earlier round)."""
    client = httpx.Client(
        base_url=arena.base_url,
        timeout=60,
        headers={"Authorization": f"Bearer {token(arena, call.who)}"},
    )

    def send() -> httpx.Response:
        with client:
            return client.request(call.method, call.path, json=call.json)

    return send


def fire(
    arena: Arena, label: str, calls: list[Call], delays: list[float] | None = None
) -> list[httpx.Response]:
    """`race` for API calls; the answers are kept for `check_answers`."""
    answers = race([api(arena, c) for c in calls], delays)
    arena.outcomes.append((label, answers))
    return answers


def post_json(client: httpx.Client, path: str, body: Any) -> Send:
    def send() -> httpx.Response:
        return client.post(path, json=body)

    return send


def no_server_errors(label: str, answers: list[httpx.Response]) -> None:
    for a in answers:
        assert a.status_code < 500, (label, a.status_code, a.text[:300])


def token(arena: Arena, who: str) -> str:
    with Session(arena.engine) as s:
        version = s.get_one(User, arena.users[who]).session_version
    return create_token(arena.users[who], TEST_SECRET, 30, session_version=version)


def add_user(arena: Arena, role: str, name: str) -> uuid.UUID:
    """Another account of the race city (removed with the arena), password known."""
    with Session(arena.engine) as s:
        u = User(
            email=f"{name}-{arena.city_slug}@test.example",
            name=name,
            role=role,
            password_hash=_PASSWORD_HASH,
            municipality_id=arena.city_id if role in ("staff", "broker") else None,
            institution_id=arena.institution_id if role == "provider" else None,
        )
        s.add(u)
        s.commit()
        arena.users[name] = u.id
    return u.id


def email_of(arena: Arena, who: str) -> str:
    with Session(arena.engine) as s:
        return s.get_one(User, arena.users[who]).email


@dataclass
class Browser:
    """A logged-in page session: its cookie and CSRF token."""

    client: httpx.Client
    csrf: str

    def post(self, path: str, data: dict[str, Any]) -> Send:
        def send() -> httpx.Response:
            return self.client.post(
                path, data={**data, "csrf_token": self.csrf}, follow_redirects=False
            )

        return send


def page_token(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    found = _CSRF.search(page.text)
    assert found, f"no CSRF field on {path}"
    return found.group(1)


def browser(arena: Arena, who: str) -> Browser:
    """Log `who` in through the login form (their password is set to the test one)."""
    with Session(arena.engine) as s:
        s.execute(
            update(User)
            .where(User.id == arena.users[who])
            .values(password_hash=_PASSWORD_HASH)
        )
        s.commit()
    client = httpx.Client(base_url=arena.base_url, timeout=60)
    answer = client.post(
        "/inloggen",
        data={
            "csrf_token": page_token(client, "/inloggen"),
            "email": email_of(arena, who),
            "password": TEST_PASSWORD,
            "next": "",
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text[:300]
    return Browser(client, page_token(client, "/account/wachtwoord"))


def verdict(bad: int, rounds: int, what: str) -> None:
    assert bad == 0, f"{what} in {bad} of {rounds} rounds"


# -- accounts ----------------------------------------------------------------------
def test_two_admins_deactivating_each_other_leave_an_active_admin(arena: Arena) -> None:
    """The last active admin stays one (users.service._keep_an_admin): two admins
    who switch each other off at the same moment must not both succeed."""
    add_user(arena, "admin", "admin2")
    pair = [arena.users["admin"], arena.users["admin2"]]
    with Session(arena.engine) as s:
        others = s.scalar(
            select(func.count())
            .select_from(User)
            .where(User.role == "admin", User.is_active, User.id.not_in(pair))
        )
    if others:
        pytest.skip("another active admin exists: the last-admin rule cannot bite")
    bad = 0
    for _ in range(ROUNDS):
        with Session(arena.engine) as s:
            s.execute(update(User).where(User.id.in_(pair)).values(is_active=True))
            s.commit()
        answers = race(
            [
                api(arena, Call("admin", "PATCH", f"/api/users/{pair[1]}", {"is_active": False})),
                api(arena, Call("admin2", "PATCH", f"/api/users/{pair[0]}", {"is_active": False})),
            ]
        )  # fmt: skip
        no_server_errors("deactivate each other", answers)
        with Session(arena.engine) as s:
            active = s.scalar(
                select(func.count())
                .select_from(User)
                .where(User.role == "admin", User.is_active)
            )
        bad += active == 0
    verdict(bad, ROUNDS, "no active admin was left")


def test_role_change_racing_another_role_change_keeps_affiliation_rules(
    arena: Arena,
) -> None:
    """Staff and brokers have a municipality and no institution, providers the
    reverse (users.service._set_role). One admin makes a broker a provider while
    another makes them staff: either order alone leaves a valid account (staff
    after provider is refused, it has no municipality)."""
    add_user(arena, "admin", "admin2")
    target = add_user(arena, "broker", "target")
    with Session(arena.engine) as s:
        institution = s.get_one(Institution, arena.institution_id).name
    bad = 0
    for _ in range(ROUNDS):
        with Session(arena.engine) as s:
            s.execute(
                update(User)
                .where(User.id == target)
                .values(
                    role="broker", municipality_id=arena.city_id, institution_id=None
                )
            )
            s.commit()
        answers = race(
            [
                api(arena, Call("admin", "PATCH", f"/api/users/{target}", {"role": "provider", "institution": institution})),
                api(arena, Call("admin2", "PATCH", f"/api/users/{target}", {"role": "staff"})),
            ]
        )  # fmt: skip
        no_server_errors("role vs role", answers)
        with Session(arena.engine) as s:
            u = s.get_one(User, target)
            if u.role == "provider":
                valid = u.institution_id is not None and u.municipality_id is None
            else:
                valid = u.municipality_id is not None and u.institution_id is None
        bad += not valid
    verdict(
        bad,
        ROUNDS,
        "an account broke the affiliation rules (e.g. staff without a municipality)",
    )


def test_password_change_racing_a_reset_link(arena: Arena) -> None:
    """A reset "ends every earlier session" (app.auth.reset). A password change
    from a session that was open when the link was used must then be refused, as
    it is in either order one after the other: never may both succeed (the change
    would overwrite the reset password on the strength of the old one, and its
    fresh session would survive the reset)."""
    owner = arena.users["owner"]
    both = 0
    for round_ in range(ROUNDS):
        page = browser(arena, "owner")  # resets the password to the test one
        with Session(arena.engine) as s:
            version = s.get_one(User, owner).session_version
        link = create_token(
            owner, TEST_SECRET, 30, session_version=version, purpose=PASSWORD_RESET
        )
        reset = httpx.Client(base_url=arena.base_url, timeout=60)
        answers = race(
            [
                page.post(
                    "/account/wachtwoord",
                    {
                        "current_password": TEST_PASSWORD,
                        "password": f"gewijzigd wachtwoord {round_}",
                    },
                ),
                post_json(
                    reset,
                    "/api/auth/password-reset/confirm",
                    {"token": link, "password": f"hersteld wachtwoord {round_}"},
                ),
            ]
        )
        no_server_errors("change vs reset", answers)
        changed = (
            answers[0].status_code == 303
            and answers[0].headers["location"] == "/account/wachtwoord"
        )
        both += changed and answers[1].status_code == 204
        page.client.close()
        reset.close()
    verdict(both, ROUNDS, "both the password change and the reset succeeded")


# -- municipalities ------------------------------------------------------------------
def test_focus_themes_put_at_once_store_one_of_the_two_sets(arena: Arena) -> None:
    """PUT replaces the city's focus themes of a year: after two at once the stored
    set is one of the two sent, never their union (municipalities.repository.
    replace_focus_themes deletes, then inserts, without a lock)."""
    add_user(arena, "admin", "admin2")
    with Session(arena.engine) as s:
        slugs = list(s.scalars(select(Theme.slug).order_by(Theme.slug).limit(3)))
    first, second = sorted(slugs[:2]), [slugs[2]]
    bad = 0
    for round_ in range(ROUNDS):
        path = f"/api/municipalities/{arena.city_slug}/focus-themes/{2040 + round_}"
        fire(
            arena,
            "focus themes",
            [
                Call("admin", "PUT", path, {"themes": first}),
                Call("admin2", "PUT", path, {"themes": second}),
            ],
        )
        with Session(arena.engine) as s:
            stored = sorted(
                s.scalars(
                    select(Theme.slug)
                    .join(FocusTheme, FocusTheme.theme_id == Theme.id)
                    .where(
                        FocusTheme.municipality_id == arena.city_id,
                        FocusTheme.year == 2040 + round_,
                    )
                )
            )
        bad += stored not in (first, second)
    check_answers(arena)
    verdict(bad, ROUNDS, "the stored focus themes were neither PUT's set")


# -- matches from the broker's pages -----------------------------------------------
def test_confirm_buttons_on_the_last_place_leave_no_stray_proposal(
    arena: Arena,
) -> None:
    """The broker's "bevestigen" proposes and confirms in one click
    (matches.service.confirm_pair). Two brokers click it for two questions on the
    offer's last place: one is confirmed, the other is refused, and nothing else is
    left behind, as when they click one after the other (then the second proposal
    is refused at once: the offer is full)."""
    pages = {who: browser(arena, who) for who in ("broker", "broker2")}
    stray = 0
    for _ in range(ROUNDS):
        with Session(arena.engine) as s:
            o = arena.offer(s, capacity=1)
            q1, q2 = arena.question(s, "open"), arena.question(s, "open")
            s.commit()
            offer_id, ids = o.id, (q1.id, q2.id)
        answers = race(
            [
                pages["broker"].post(f"/makelaar/vragen/{ids[0]}/bevestigen", {"offer_id": str(offer_id)}),
                pages["broker2"].post(f"/makelaar/vragen/{ids[1]}/bevestigen", {"offer_id": str(offer_id)}),
            ]
        )  # fmt: skip
        no_server_errors("confirm buttons", answers)
        with Session(arena.engine) as s:
            statuses = sorted(
                s.scalars(select(Match.status).where(Match.offer_id == offer_id))
            )
        bad = statuses != [MatchStatus.CONFIRMED]
        assert statuses.count(MatchStatus.CONFIRMED) == 1, statuses
        stray += bad
    for page in pages.values():
        page.client.close()
    check_database(arena)
    verdict(stray, ROUNDS, "a refused confirm left a proposal behind")


# -- personal data -------------------------------------------------------------------
def _contact_changed(arena: Arena, round_: int) -> tuple[uuid.UUID, str, str]:
    """A question whose contact person changed from P1 to P2 (one audit event
    names both); returns the question and both addresses."""
    p1 = f"p1r{round_}-{arena.city_slug}@test.example"
    p2 = f"p2r{round_}-{arena.city_slug}@test.example"
    with Session(arena.engine) as s:
        q = arena.question(s, "submitted")
        q.contact_name, q.contact_email = "Piet Eerste", p1
        s.commit()
        question_id = q.id
    answer = api(
        arena,
        Call(
            "owner",
            "PATCH",
            f"/api/questions/{question_id}",
            {"contact_name": "Truus Tweede", "contact_email": p2},
        ),
    )()
    assert answer.status_code == 200, answer.text[:300]
    return question_id, p1, p2


def test_two_erasures_at_once_scrub_both_people_from_the_audit_log(
    arena: Arena,
) -> None:
    """Erasing P1 and P2 at the same moment (two admins, or one admin's two tabs):
    afterwards the audit log names neither, as after two erasures one by one
    (privacy.service.erase_person rewrites each event's JSON from what it read)."""
    add_user(arena, "admin", "admin2")
    left = 0
    for round_ in range(ROUNDS):
        question_id, p1, p2 = _contact_changed(arena, round_)
        fire(
            arena,
            "erase both",
            [
                Call("admin", "POST", "/api/privacy/erase", {"email": p1}),
                Call("admin2", "POST", "/api/privacy/erase", {"email": p2}),
            ],
        )
        with Session(arena.engine) as s:
            logged = " ".join(
                str(c).lower()
                for c in s.scalars(
                    select(Event.changes).where(Event.entity_id == question_id)
                )
            )
        left += p1 in logged or p2 in logged
    check_answers(arena)
    verdict(left, ROUNDS, "an erased address was still in the audit log")


def test_two_erasures_at_once_touching_one_mail_answer_no_500(arena: Arena) -> None:
    """A mail to P2 names P1 (say, the contact in a match_confirmed mail). Erasing
    P2 deletes it while erasing P1 scrubs it; at the same moment that must not be a
    500 (privacy.service.erase_person -> mail.service.scrub_mentions updates the
    ORM row the other request deleted: StaleDataError)."""
    add_user(arena, "admin", "admin2")
    failed = 0
    for round_ in range(ROUNDS):
        p1 = f"m1r{round_}-{arena.city_slug}@test.example"
        p2 = f"m2r{round_}-{arena.city_slug}@test.example"
        with Session(arena.engine) as s:
            s.add(
                OutboxMail(
                    to_address=p2,
                    kind="match_confirmed",
                    subject="Koppeling bevestigd",
                    text_body=f"Neem contact op met {p1} over de opdracht.",
                    html_body=f"<p>Neem contact op met {p1} over de opdracht.</p>",
                    status="sent",
                )
            )
            s.commit()
        answers = race(
            [
                api(arena, Call("admin", "POST", "/api/privacy/erase", {"email": p1})),
                api(arena, Call("admin2", "POST", "/api/privacy/erase", {"email": p2})),
            ]
        )  # fmt: skip
        failed += any(a.status_code >= 500 for a in answers)
    verdict(failed, ROUNDS, "an erasure answered 500")


# -- students' interests -----------------------------------------------------------
def _interest(
    arena: Arena, settings: Settings, round_: int
) -> tuple[uuid.UUID, str, str]:
    """An unconfirmed interest in a public assignment; its id, address and link token."""
    email = f"student{round_}-{arena.city_slug}@test.example"
    with Session(arena.engine) as s:
        q = arena.question(s, "open", public=True)
        interest = Interest(
            municipality_id=arena.city_id,
            question_id=q.id,
            email=email,
            name="Sam Student",
            institution="Hogeschool Leiden",
            level="hbo",
            message="Ik wil graag meedoen aan deze opdracht.",
        )
        s.add(interest)
        s.commit()
        return interest.id, email, confirmation_token(settings, interest)


def test_confirm_link_racing_the_students_erasure_answers_no_500(
    arena: Arena, settings: Settings
) -> None:
    """The student clicks the confirmation link while an admin erases their data:
    either order alone is a 200 and a 422 (the link names nothing any more); at
    once it must not be a 500 (interests.service.confirm_interest updates the ORM
    row the erasure deleted: StaleDataError)."""
    # The erasure reads the whole audit log before it deletes anything: the click
    # must come while it runs. Time one erasure, then start the click a different
    # moment within it each round.
    erase = Call(
        "admin", "POST", "/api/privacy/erase", {"email": "niemand@test.example"}
    )
    took = 1.0
    for _ in range(3):  # warm: the first includes connecting
        started = time.monotonic()
        assert api(arena, erase)().status_code == 200
        took = min(took, time.monotonic() - started)
    failed = 0
    rounds = 40
    for round_ in range(rounds):
        _, email, link = _interest(arena, settings, round_)
        delay = took * (round_ % 20) / 20
        answers = race(
            [
                api(arena, Call("admin", "POST", "/api/privacy/erase", {"email": email})),
                api(arena, Call("owner", "POST", "/api/portal/interests/confirm", {"token": link})),
            ],
            [0.0, delay],
        )  # fmt: skip
        failed += any(a.status_code >= 500 for a in answers)
    verdict(failed, rounds, "confirm vs erasure answered 500")


def test_confirm_link_clicked_twice_at_once_is_confirmed_once(
    arena: Arena, settings: Settings
) -> None:
    """A double click on the mailed link ("confirming twice is harmless")
    records one confirmation, not two (interests.service.confirm_interest checks
    confirmed_at on its own read, then writes)."""
    doubled = 0
    for round_ in range(ROUNDS):
        interest_id, _, link = _interest(arena, settings, round_)
        fire(
            arena,
            "confirm twice",
            [Call("owner", "POST", "/api/portal/interests/confirm", {"token": link})]
            * 3,
        )
        with Session(arena.engine) as s:
            confirmations = s.scalar(
                select(func.count())
                .select_from(Event)
                .where(Event.entity_id == interest_id, Event.action == "confirmed")
            )
        doubled += confirmations != 1
    check_answers(arena)
    verdict(doubled, ROUNDS, "one interest was confirmed more than once")


# -- offer import ------------------------------------------------------------------
def upload(arena: Arena, who: str, data: bytes) -> Send:
    """A prepared CSV upload to the offer import, as `who`."""
    client = httpx.Client(
        base_url=arena.base_url,
        timeout=60,
        headers={"Authorization": f"Bearer {token(arena, who)}"},
    )

    def send() -> httpx.Response:
        with client:
            return client.post(
                "/api/offers/import", files={"file": ("aanbod.csv", data, "text/csv")}
            )

    return send


def test_one_file_uploaded_twice_at_once_registers_its_offers_once(
    arena: Arena,
) -> None:
    """A double click on "Importeren" sends the file twice: one upload registers
    the offers, the other is refused row by row (offers.importer._duplicates)."""
    with Session(arena.engine) as s:
        institution = s.get_one(Institution, arena.institution_id).name
    doubled = 0
    for round_ in range(ROUNDS):
        title = f"Racecursus {round_}"
        data = (
            "kind;title;description;capacity;institution\n"
            f"course;{title};Studenten werken aan een vraag.;1;{institution}\n"
        ).encode()

        answers = race([upload(arena, "broker", data), upload(arena, "broker2", data)])
        no_server_errors("import twice", answers)
        with Session(arena.engine) as s:
            registered = s.scalar(
                select(func.count()).select_from(Offer).where(Offer.title == title)
            )
        codes = sorted(a.status_code for a in answers)
        doubled += registered != 1 or codes != [201, 422]
    verdict(doubled, ROUNDS, "the file's offer was not registered exactly once")


# -- session versions --------------------------------------------------------------
def _version(arena: Arena, user_id: uuid.UUID) -> int:
    with Session(arena.engine) as s:
        return s.get_one(User, user_id).session_version


def _bump_meanwhile(arena: Arena, user_id: uuid.UUID) -> None:
    """What a reset link does while another request holds the account: the new
    login it allows carries the raised version."""
    with Session(arena.engine) as s:
        s.execute(
            update(User)
            .where(User.id == user_id)
            .values(session_version=User.session_version + 1)
        )
        s.commit()


@pytest.mark.parametrize("step", ["logout everywhere", "erasure"])
def test_ending_sessions_raises_the_stored_version_not_the_one_read(
    arena: Arena, step: str
) -> None:
    """ "Overal uitloggen" and an erasure end every session, also one begun after
    the request read the account (users.service.end_all_sessions and
    privacy.service._anonymise wrote the version they had read plus one)."""
    if arena.engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers: no other write can come in between")
    user_id = add_user(arena, "staff", f"leaver-{step.replace(' ', '-')}")
    before = _version(arena, user_id)
    with Session(arena.engine) as s:
        user = s.get_one(User, user_id)
        email = user.email
        _bump_meanwhile(arena, user_id)
        if step == "erasure":
            erase_person(s, email, actor=None)
        else:
            end_all_sessions(s, user)
    assert _version(arena, user_id) == before + 2
    if step == "erasure":  # the arena finds its accounts by address: not this one
        with Session(arena.engine) as s:
            s.execute(delete(Event).where(Event.entity_id == user_id))
            s.execute(delete(User).where(User.id == user_id))
            s.commit()
