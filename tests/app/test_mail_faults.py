"""Background jobs and mail under faults: what a user sees when a job
runs late in a pass, when a person is erased or switches mail off while their
mail waits or is being sent. Real SMTP (aiosmtpd) or a recording relay; committed
data, as the workers see it."""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from app.env import Env
from app.jobs.registry import JobContext, JobName, JobRegistry
from app.jobs.runner import InProcessRunner
from app.mail import delivery, tasks
from app.mail.delivery import deliver_due
from app.mail.kinds import MatchConfirmed, PasswordReset
from app.mail.sender import OutgoingMail, SmtpSender
from app.mail.service import queue_mail
from app.matches import digest
from app.models import Match, OutboxMail, User
from app.privacy.service import erase_person
from tests.app.helpers import offer, open_question, propose
from tests.app.mail_support import TEST_DOMAIN


def confirmed(contact_name: str = "Piet Docent") -> MatchConfirmed:
    return MatchConfirmed(
        owner_name="Gea Gemeente",
        question_title="Hittestress in de Merenwijk",
        offer_title="Stadsklimaat (minor)",
        institution_name="Hogeschool Leiden",
        contact_name=contact_name,
        contact_email="piet@hsleiden.example",
        question_path="/vragen/1",
    )


def queue(db, settings, *, to: str, context=None, user: User | None = None) -> None:
    with db() as session:
        if user is not None:
            user = session.get(User, user.id)
        queue_mail(
            session,
            settings=settings,
            to=to,
            context=context or confirmed(),
            user=user,
        )
        session.commit()


def rows(db) -> list[OutboxMail]:
    with db() as session:
        return list(session.scalars(select(OutboxMail).order_by(OutboxMail.created_at)))


@pytest.fixture
def person(db) -> Iterator[User]:
    """A provider account (not an admin, so erasing it is allowed)."""
    with db() as session:
        user = User(
            email=f"{uuid.uuid4().hex[:8]}@{TEST_DOMAIN}",
            name="Karel Kwetsbaar",
            role="provider",
            password_hash="not-a-hash",
            wants_mail=True,
        )
        session.add(user)
        session.commit()
    yield user
    with db() as session:  # erased accounts no longer have a test address
        session.execute(delete(OutboxMail).where(OutboxMail.to_user_id == user.id))
        session.execute(delete(User).where(User.id == user.id))
        session.commit()


class Relay:
    """A sender that records what it sends and can act in the middle of a batch."""

    def __init__(self, on_send=None) -> None:
        self.delivered: list[OutgoingMail] = []
        self.on_send = on_send

    @contextmanager
    def connect(self) -> Iterator[Relay]:
        yield self

    def send(self, mail: OutgoingMail) -> None:
        self.delivered.append(mail)
        if self.on_send is not None:
            self.on_send(mail)


class TestRunnerClock:
    def test_mail_after_a_slow_job_in_the_same_pass_is_sent_once(
        self, db, settings, now, monkeypatch
    ):
        """The SQLite runner ran every job of a pass with the time the pass
        started. After a 15-minute embedding run, the mail job claimed its mail
        "until 10 minutes after the pass started", i.e. already expired: the
        cron'd `kennisbrug worker --once` beside `serve` (README) took it over and
        the recipient got the mail twice."""
        queue(db, settings, to="gea@gemeente.example")
        clock = [now]

        def slow_embedding(ctx: JobContext) -> int:
            clock[0] += timedelta(minutes=15)
            return 0

        delivered: Counter[str] = Counter()
        second_worker: list[int] = []

        def on_send(mail: OutgoingMail) -> None:
            delivered[mail.to] += 1
            if not second_worker:  # `worker --once` from cron, at the real time
                second = Relay(lambda m: delivered.update([m.to]))
                second_worker.append(
                    delivery.deliver_due(db, second, now=clock[0]).claimed
                )

        monkeypatch.setattr(tasks, "make_sender", lambda _s: Relay(on_send))
        registry = JobRegistry(
            {JobName.EMBEDDING: slow_embedding, JobName.MAIL: tasks.deliver_mail}
        )
        runner = InProcessRunner(
            db, settings, registry=registry, schedules=(), clock=lambda: clock[0]
        )
        runner.wake([JobName.EMBEDDING, JobName.MAIL])
        runner.run_once()
        assert second_worker == [0]
        assert delivered == {"gea@gemeente.example": 1}
        [row] = rows(db)
        assert row.status == "sent"
        assert row.sent_at is not None
        sent_after = row.sent_at - (now + timedelta(minutes=15))
        assert timedelta(0) <= sent_after < timedelta(seconds=5)


class TestErasureDuringDelivery:
    def test_a_person_erased_while_a_batch_is_sent_gets_nothing(
        self, db, settings, now, person
    ):
        """Erasure deletes the mail to the person, but a worker that had already
        claimed it (a batch of 50 over a slow relay takes minutes) sent it from
        memory anyway: the erased person still got mail (AVG art. 17)."""
        queue(db, settings, to="first@b.example")
        queue(db, settings, to=person.email, user=person)

        def erase_during_first(mail: OutgoingMail) -> None:
            if mail.to == "first@b.example":
                with db() as session:
                    erase_person(session, person.email, actor=None)

        relay = Relay(erase_during_first)
        deliver_due(db, relay, now=now)
        assert [m.to for m in relay.delivered] == ["first@b.example"]
        assert [r.to_address for r in rows(db)] == ["first@b.example"]

    def test_a_name_scrubbed_while_a_batch_is_sent_is_not_in_the_mail(
        self, db, settings, now, person
    ):
        """Erasure scrubs the person's name from mail to others; a mail already
        claimed went out with the name in it."""
        queue(db, settings, to="first@b.example")
        queue(db, settings, to="gea@gemeente.example", context=confirmed(person.name))

        def erase_during_first(mail: OutgoingMail) -> None:
            if mail.to == "first@b.example":
                with db() as session:
                    erase_person(session, person.email, actor=None)

        relay = Relay(erase_during_first)
        deliver_due(db, relay, now=now)
        [_, second] = relay.delivered
        assert second.to == "gea@gemeente.example"
        for part in (second.subject, second.text, second.html):
            assert person.name not in part
        assert "[verwijderd]" in second.text


class TestOptOutBeforeDelivery:
    def test_switching_mail_off_stops_waiting_non_essential_mail(
        self, db, mail_settings, smtp, now, person
    ):
        """SMTP is down; meanwhile the user switches mail off at /account/e-mail.
        When SMTP is back, the waiting non-essential mail still arrived; only the
        essential one (a password reset) should."""
        queue(db, mail_settings, to=person.email, user=person)
        queue(
            db,
            mail_settings,
            to=person.email,
            user=person,
            context=PasswordReset(
                name=person.name, reset_path="/wachtwoord/nieuw/abc", valid_minutes=30
            ),
        )
        sender = SmtpSender(mail_settings)
        smtp.stop()
        assert deliver_due(db, sender, now=now).retried == 2
        with db() as session:
            session.execute(
                update(User).where(User.id == person.id).values(wants_mail=False)
            )
            session.commit()
        smtp.start()
        deliver_due(db, sender, now=now + timedelta(minutes=1))
        messages = smtp.inbox.wait_for(1)
        assert [m["Subject"] for m in messages] == [
            r.subject for r in rows(db) if r.kind == "password_reset"
        ]
        # Nothing more arrives later either.
        deliver_due(db, sender, now=now + timedelta(days=1))
        assert len(smtp.inbox.messages) == 1
        assert {r.kind: r.status for r in rows(db)} == {
            "password_reset": "sent",
            "match_confirmed": "failed",
        }


class TestDigestDates:
    def test_the_digest_dates_a_proposal_by_the_dutch_day_it_was_made(
        self, client, session, auth, staff, broker, provider, settings
    ):
        """A proposal made on Monday 11 January at 00:30 Dutch time (Sunday 23:30
        UTC) is listed in the broker's digest as "sinds 10 januari": the digest
        takes the UTC date of `created_at`, not the Dutch one."""
        q = open_question(client, auth(staff), auth(broker))
        made = propose(
            client, auth(broker), q["id"], offer(client, auth(provider))["id"]
        )
        session.execute(
            update(Match)
            .where(Match.id == uuid.UUID(made["id"]))
            .values(created_at=datetime(2027, 1, 10, 23, 30, tzinfo=UTC))
        )
        session.commit()
        env = Env(settings=settings, encoder=None, today=date(2027, 1, 18))
        assert digest.queue_digests(session, env) >= 1
        session.expire_all()
        [mail] = session.scalars(
            select(OutboxMail).where(
                OutboxMail.kind == "broker_digest",
                OutboxMail.to_address == broker.email,
            )
        )
        assert "sinds 11 januari 2027" in " ".join(mail.text_body.split())
