"""Who hears what, and when: the broker's weekly digest, each user's mail choice,
the embedding job after a text change, and the whole handshake over real SMTP."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings
from app.db import make_session_factory
from app.env import Env
from app.jobs.registry import JobContext
from app.mail.delivery import deliver_due
from app.mail.sender import make_sender
from app.main import create_app
from app.matches import digest
from app.models import (
    Embedding,
    Event,
    Institution,
    Match,
    Municipality,
    Offer,
    OutboxMail,
    Question,
    User,
)
from app.ranking.tasks import embed_changed_texts
from app.security import create_token
from tests.app.conftest import TEST_SECRET
from tests.app.helpers import offer, open_question, propose, step
from tests.app.mail_support import SmtpServer
from tests.live_server import live_server


def outbox(session, kind: str, to: str) -> list[OutboxMail]:
    session.expire_all()
    return list(
        session.scalars(
            select(OutboxMail).where(
                OutboxMail.kind == kind, OutboxMail.to_address == to
            )
        )
    )


class TestDigest:
    def test_a_broker_hears_weekly_what_waits(
        self,
        client,
        session,
        auth,
        staff,
        broker,
        provider,
        settings,
        make_user,
        other_city,
    ):
        q = open_question(client, auth(staff), auth(broker))
        propose(client, auth(broker), q["id"], offer(client, auth(provider))["id"])
        idle = make_user("broker", municipality=other_city)  # nothing waits there
        env = Env(settings=settings, encoder=None, today=date(2027, 1, 18))
        assert digest.queue_digests(session, env) >= 1
        [mail] = outbox(session, "broker_digest", broker.email)
        assert "Voorstellen zonder antwoord" in mail.text_body
        assert q["title"] in mail.text_body
        assert outbox(session, "broker_digest", idle.email) == []
        digest.queue_digests(session, env)  # the same week: never twice
        assert len(outbox(session, "broker_digest", broker.email)) == 1


class TestMailChoice:
    def test_a_user_who_switched_mail_off_gets_only_essential_mail(
        self, client, session, auth, staff, broker, provider
    ):
        from app.users.service import set_mail_preference

        set_mail_preference(session, provider, wants_mail=False)
        q = open_question(client, auth(staff), auth(broker))
        propose(client, auth(broker), q["id"], offer(client, auth(provider))["id"])
        assert outbox(session, "proposal_to_provider", provider.email) == []

    def test_the_preferences_page_switches_it(self, app, session, provider):
        from fastapi.testclient import TestClient

        from tests.app.test_faults import _CSRF, page_login

        with TestClient(app) as browser:
            page_login(browser, provider)
            page = browser.get("/account/e-mail")
            assert 'name="wants_mail" checked' in page.text
            token = _CSRF.search(page.text)
            assert token
            browser.post("/account/e-mail", data={"csrf_token": token[1]})
        session.expire_all()
        assert session.get(User, provider.id).wants_mail is False


class TestProposalCancelled:
    """A question that stops taking matches tells the provider it asked, once."""

    def _ask(self, client, auth, staff, broker, provider, **offer_fields):
        q = open_question(client, auth(staff), auth(broker))
        o = offer(client, auth(provider), **offer_fields)
        return q, o, propose(client, auth(broker), q["id"], o["id"])

    def _move(self, client, who, q, to, **body):
        moved = client.post(
            f"/api/questions/{q['id']}/transition", json={"to": to, **body}, headers=who
        )
        assert moved.status_code == 200, moved.text

    @pytest.mark.parametrize(
        ("to", "actor", "body", "why"),
        [
            ("withdrawn", "staff", {}, "vervallen: de vraag is ingetrokken."),
            (
                "not_matched",
                "broker",
                {},
                "vervallen: de vraag is zonder koppeling afgesloten.",
            ),
            (
                "parked",
                "broker",
                {"until": "2027-03-01"},
                "vervallen: de vraag is geparkeerd tot 1 maart 2027.",
            ),
        ],
    )
    def test_the_provider_hears_that_no_answer_is_needed(
        self, client, session, auth, staff, broker, provider, to, actor, body, why
    ):
        q, o, _ = self._ask(client, auth, staff, broker, provider)
        who = auth(staff if actor == "staff" else broker)
        self._move(client, who, q, to, note="Het budget is geschrapt.", **body)
        [mail] = outbox(session, "proposal_cancelled", provider.email)
        assert mail.to_user_id == provider.id
        assert mail.subject == f"Voorstel vervallen: {q['title']}"
        text = " ".join(mail.text_body.split())
        assert f'de vraag "{q["title"]}" van de gemeente Leiden' in text
        assert f'uw aanbod "{o["title"]}"' in text
        assert why in text
        assert "U hoeft niet meer op dit voorstel te reageren." in text
        assert "/aanbod/voorstellen" in text
        assert "Het budget is geschrapt." not in text  # the city's own note stays in
        assert q["title"] in mail.html_body

    @pytest.mark.parametrize("how", ["reject", "cancel"])
    def test_the_provider_hears_when_the_broker_ends_the_proposal(
        self, client, session, auth, staff, broker, provider, how
    ):
        """Rejected or withdrawn by the broker, the proposal would just vanish from
        the provider's list; they hear it needs no answer, without the broker's
        own reason (a note for the broker and the learner)."""
        _q, o, m = self._ask(client, auth, staff, broker, provider)
        ended = step(client, auth(broker), m["id"], how, reason="Past inhoudelijk niet")
        assert ended.status_code == 200, ended.text
        [mail] = outbox(session, "proposal_cancelled", provider.email)
        text = " ".join(mail.text_body.split())
        assert f'uw aanbod "{o["title"]}"' in text
        assert "vervallen: de kennismakelaar heeft het voorstel ingetrokken." in text
        assert "Past inhoudelijk niet" not in text

    def test_a_candidate_rejected_on_the_page_mails_its_provider_nothing(
        self, client, session, auth, staff, broker, provider
    ):
        """Rejected from its card, the candidate is proposed and rejected at once:
        its provider was never asked, so hears nothing either way."""
        from tests.app.web.support import csrf, login

        q = open_question(client, auth(staff), auth(broker))
        o = offer(client, auth(provider))
        login(client, broker)
        page = f"/makelaar/vragen/{q['id']}"
        sent = client.post(
            f"{page}/afwijzen",
            data={
                "csrf_token": csrf(client, page),
                "offer_id": o["id"],
                "reason": "Past niet bij de vraag",
            },
            follow_redirects=False,
        )
        assert sent.status_code == 303, sent.text
        matches = client.get(f"/api/questions/{q['id']}/matches", headers=auth(broker))
        assert [m["status"] for m in matches.json()] == ["rejected"]
        session.expire_all()
        kinds = {m.kind for m in session.scalars(select(OutboxMail))}
        assert not kinds & {"proposal_to_provider", "proposal_cancelled"}

    def test_a_question_without_a_waiting_proposal_mails_no_one(
        self, client, session, auth, staff, broker
    ):
        q = open_question(client, auth(staff), auth(broker))
        self._move(client, auth(staff), q, "withdrawn")
        session.expire_all()
        cancelled = select(OutboxMail).where(OutboxMail.kind == "proposal_cancelled")
        assert list(session.scalars(cancelled)) == []

    def test_an_answered_proposal_is_not_cancelled_by_mail(
        self, client, session, auth, staff, broker, provider
    ):
        q, declined_offer, declined = self._ask(
            client, auth, staff, broker, provider, title="Minor Zorg (vol)"
        )
        no = client.post(
            f"/api/matches/{declined['id']}/decline",
            json={"reason": "Ons blok zit vol.", "reason_code": "capacity"},
            headers=auth(provider),
        )
        assert no.status_code == 200, no.text
        waiting = offer(client, auth(provider), title="Praktijkopdracht ouderen")
        propose(client, auth(broker), q["id"], waiting["id"])
        self._move(client, auth(staff), q, "withdrawn")
        [mail] = outbox(session, "proposal_cancelled", provider.email)
        assert waiting["title"] in mail.text_body
        assert declined_offer["title"] not in mail.text_body

    def test_an_accepted_proposal_is_not_cancelled_by_mail(
        self, client, session, auth, staff, broker, provider
    ):
        q, _, m = self._ask(client, auth, staff, broker, provider)
        yes = client.post(f"/api/matches/{m['id']}/accept", headers=auth(provider))
        assert yes.json()["status"] == "confirmed", yes.text
        # The confirmed match holds the question; cancelling it reopens the question.
        stopped = step(client, auth(broker), m["id"], "cancel", reason="Docent ziek")
        assert stopped.status_code == 200, stopped.text
        self._move(client, auth(staff), q, "withdrawn")
        assert outbox(session, "proposal_cancelled", provider.email) == []

    def test_a_provider_who_switched_mail_off_gets_none(
        self, client, session, auth, staff, broker, provider
    ):
        from app.users.service import set_mail_preference

        set_mail_preference(session, provider, wants_mail=False)
        q, _, _ = self._ask(client, auth, staff, broker, provider)
        self._move(client, auth(staff), q, "withdrawn")
        assert outbox(session, "proposal_cancelled", provider.email) == []


@pytest.mark.manual_jobs  # the test runs the job itself
class TestEmbeddingJob:
    def test_a_new_question_gets_its_vector_from_the_job(
        self, client, session, auth, staff, settings
    ):
        created = client.post(
            "/api/questions",
            json={"title": "Zwerfafval in parken", "description": "Wat werkt?"},
            headers=auth(staff),
        ).json()
        factory = sessionmaker(
            bind=session.connection(), join_transaction_mode="create_savepoint"
        )
        ctx = JobContext(
            session_factory=factory, settings=settings, now=datetime.now(UTC)
        )
        assert embed_changed_texts(ctx) >= 1
        assert embed_changed_texts(ctx) == 0  # nothing stale any more
        session.expire_all()
        row = session.scalars(
            select(Embedding).where(Embedding.owner_id == uuid.UUID(created["id"]))
        ).one()
        assert row.model_name == "hashing-64"


@pytest.fixture
def live_world(engine: Engine) -> Iterator[dict[str, object]]:
    """Committed users and rows for a live server (removed afterwards)."""
    slug = f"mail-{uuid.uuid4().hex[:8]}"
    with Session(engine, expire_on_commit=False) as s:
        city = Municipality(slug=slug, name="Mailstad")
        s.add(city)
        s.flush()
        hsl = s.scalars(
            select(Institution).where(Institution.name == "Hogeschool Leiden")
        ).one()
        uni = s.scalars(select(Institution).where(Institution.level == "wo")).first()
        assert uni is not None

        def user(role: str, **extra: object) -> User:
            u = User(
                email=f"{role}-{slug}@test.example",
                name=f"{role.title()} Mail",
                role=role,
                password_hash="x",
                **extra,
            )
            s.add(u)
            s.flush()
            return u

        broker = user("broker", municipality_id=city.id)
        owner = user("staff", municipality_id=city.id)
        provider = user("provider", institution_id=hsl.id)
        outsider = User(
            email=f"outsider-{slug}@test.example",
            name="Ander",
            role="provider",
            password_hash="x",
            institution_id=uni.id,
        )
        s.add(outsider)
        questions = []
        for title in ("Hitte op schoolpleinen", "Eenzaamheid in de wijk"):
            q = Question(
                municipality_id=city.id,
                owner_id=owner.id,
                title=title,
                description="Een vraag voor de mailtest.",
                status="open",
            )
            s.add(q)
            questions.append(q)
        o = Offer(
            municipality_id=city.id,
            institution_id=hsl.id,
            owner_id=provider.id,
            kind="course",
            title="Minor Klimaatadaptatie",
            description="Studenten ontwerpen groene schoolpleinen.",
            level="hbo",
            capacity=2,
            places_taken=0,
        )
        s.add(o)
        s.commit()
        world: dict[str, object] = {
            "city": city.id,
            "offer": o.id,
            "questions": [q.id for q in questions],
            "users": {
                "broker": broker,
                "owner": owner,
                "provider": provider,
                "outsider": outsider,
            },
        }
    yield world
    with Session(engine) as s:
        s.execute(delete(OutboxMail).where(OutboxMail.to_address.like(f"%{slug}%")))
        s.execute(delete(Event).where(Event.municipality_id == city.id))
        from app.models import Decision

        s.execute(delete(Decision).where(Decision.municipality_id == city.id))
        s.execute(delete(Match).where(Match.municipality_id == city.id))
        s.execute(delete(Question).where(Question.municipality_id == city.id))
        s.execute(delete(Offer).where(Offer.municipality_id == city.id))
        s.execute(delete(User).where(User.email.like(f"%-{slug}@test.example")))
        s.execute(delete(Municipality).where(Municipality.id == city.id))
        s.commit()


def test_the_handshake_over_real_smtp(engine, settings: Settings, live_world):
    """A proposal mails the provider a link; the provider accepts through the API and
    the owner gets a mail; a decline records its reason; another institution's
    provider cannot answer; a mail queued while SMTP is down arrives later."""
    smtp = SmtpServer()
    mailing = smtp.settings(settings)
    app = create_app(mailing, engine=engine)
    users: dict[str, User] = live_world["users"]  # type: ignore[assignment]
    token = {n: create_token(u.id, TEST_SECRET, 10) for n, u in users.items()}
    factory = make_session_factory(engine)
    sender = make_sender(mailing)

    clock = [datetime.now(UTC)]

    def deliver(later: timedelta = timedelta(0)) -> int:
        clock[0] += later
        return deliver_due(factory, sender, now=clock[0], batch=50).sent

    def api(http: httpx.Client, who: str, path: str, **body: object) -> httpx.Response:
        return http.post(
            path, json=body, headers={"Authorization": f"Bearer {token[who]}"}
        )

    first, second = live_world["questions"]  # type: ignore[misc]
    with live_server(app) as base, httpx.Client(base_url=base, timeout=60) as http:
        proposed = api(http, "broker", "/api/matches", question_id=str(first),
                       offer_id=str(live_world["offer"])).json()  # fmt: skip
        declined = api(http, "broker", "/api/matches", question_id=str(second),
                       offer_id=str(live_world["offer"])).json()  # fmt: skip
        assert deliver() == 0  # SMTP is down: the mails wait in the outbox
        smtp.start()
        try:
            assert deliver(later=timedelta(minutes=2)) == 2  # the retry, after backoff
            asked = smtp.inbox.wait_for(2)
            assert {m["To"] for m in asked} == {users["provider"].email}
            assert all("https://kennisbrug.test/aanbod/voorstellen" in m.get_body(
                ("plain",)).get_content() for m in asked)  # fmt: skip
            refused = api(http, "outsider", f"/api/matches/{proposed['id']}/accept")
            assert refused.status_code == 404
            accepted = api(http, "provider", f"/api/matches/{proposed['id']}/accept")
            assert accepted.json()["status"] == "confirmed"
            no = api(http, "provider", f"/api/matches/{declined['id']}/decline",
                     reason="Ons blok zit vol.", reason_code="capacity")  # fmt: skip
            assert (no.json()["status"], no.json()["reason"]) == (
                "declined",
                "Ons blok zit vol.",
            )
            assert deliver() == 3  # accepted + confirmed-to-owner + declined
            inbox = smtp.inbox.wait_for(5)
        finally:
            smtp.stop()
    by_to = {}
    for m in inbox[2:]:
        by_to.setdefault(m["To"], []).append(m["Subject"])
    assert any("bevestigd" in s.lower() for s in by_to[users["owner"].email])
    assert len(by_to[users["broker"].email]) == 2
    body = " ".join(m.get_body(("plain",)).get_content() for m in inbox)
    assert re.search(r"Ons blok zit vol\.", body)
