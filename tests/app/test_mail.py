"""Mail: templates, the outbox in the caller's transaction, and delivery to a real
SMTP server (aiosmtpd in this process): once, with backoff after an outage, never
twice with two workers, and again after a worker died holding a claim."""

from __future__ import annotations

import logging
import re
import smtplib
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields, replace
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from jinja2 import UndefinedError
from pydantic import SecretStr
from sqlalchemy import select

from app.jobs.registry import JobContext
from app.mail import delivery, tasks
from app.mail.delivery import RetryPolicy, claim_due, deliver_due
from app.mail.kinds import (
    MAIL_KINDS,
    BrokerDigest,
    DigestItem,
    DigestSection,
    InterestConfirmation,
    MailContext,
    MatchConfirmed,
    PasswordReset,
    ProposalAccepted,
    ProposalCancelled,
    ProposalDeclined,
    ProposalExpired,
    ProposalToProvider,
    QuestionReopened,
)
from app.mail.render import _environment, absolute_url, render_mail
from app.mail.sender import LogSender, OutgoingMail, SmtpSender, make_sender
from app.mail.service import forget_address, purge_old_mail, queue_mail
from app.models import OutboxMail
from tests.app.mail_support import BASE_URL, SmtpServer, user_maker

HOSTILE = '<script>alert("x")</script> & Zoë\'s "vraag"'


def sample(
    kind: type[MailContext], text: str = "Hittestress in de Merenwijk"
) -> MailContext:
    """One context of each kind, with `text` in every free-text field."""
    samples: dict[type[MailContext], MailContext] = {
        ProposalToProvider: ProposalToProvider(
            provider_name="Piet Docent",
            broker_name="Mira de Makelaar",
            municipality_name="Leiden",
            question_title=text,
            question_summary=text,
            offer_title="Stadsklimaat (minor)",
            respond_path="/aanbod/voorstellen/1",
            respond_before=date(2027, 2, 1),
        ),
        ProposalAccepted: ProposalAccepted(
            broker_name="Mira de Makelaar",
            provider_name="Piet Docent",
            institution_name="Hogeschool Leiden",
            question_title=text,
            offer_title="Stadsklimaat (minor)",
            question_path="/makelaar/vragen/1",
            note=text,
        ),
        ProposalDeclined: ProposalDeclined(
            broker_name="Mira de Makelaar",
            provider_name="Piet Docent",
            institution_name="Hogeschool Leiden",
            question_title=text,
            offer_title="Stadsklimaat (minor)",
            question_path="/makelaar/vragen/1",
            reason=text,
        ),
        ProposalExpired: ProposalExpired(
            broker_name="Mira de Makelaar",
            provider_name="Piet Docent",
            institution_name="Hogeschool Leiden",
            question_title=text,
            offer_title="Stadsklimaat (minor)",
            expired_on=date(2027, 1, 15),
            question_path="/makelaar/vragen/1",
        ),
        ProposalCancelled: ProposalCancelled(
            provider_name="Piet Docent",
            municipality_name="Leiden",
            question_title=text,
            offer_title="Stadsklimaat (minor)",
            reason="de vraag is geparkeerd",
            proposals_path="/aanbod/voorstellen",
            parked_until=date(2027, 3, 1),
        ),
        MatchConfirmed: MatchConfirmed(
            owner_name="Gea Gemeente",
            question_title=text,
            offer_title="Stadsklimaat (minor)",
            institution_name="Hogeschool Leiden",
            contact_name="Piet Docent",
            contact_email="piet@hsleiden.example",
            question_path="/vragen/1",
        ),
        InterestConfirmation: InterestConfirmation(
            student_name="Sam Student",
            question_title=text,
            confirm_path="/portaal/1/bevestigen/abc",
            valid_hours=48,
        ),
        BrokerDigest: BrokerDigest(
            broker_name="Mira de Makelaar",
            municipality_name="Leiden",
            week_of=date(2027, 1, 18),
            sections=(
                DigestSection(
                    heading="Voorstellen zonder antwoord",
                    items=(
                        DigestItem(
                            title=text,
                            path="/makelaar/vragen/1",
                            detail="2 voorstellen",
                            since=date(2027, 1, 4),
                        ),
                    ),
                ),
            ),
            board_path="/makelaar",
        ),
        PasswordReset: PasswordReset(
            name=text, reset_path="/wachtwoord/nieuw/abc", valid_minutes=30
        ),
        QuestionReopened: QuestionReopened(
            owner_name="Gea Gemeente",
            question_title=text,
            question_path="/vragen/1",
            reason=text,
        ),
    }
    return samples[kind]


@pytest.fixture
def make_user(db):
    return user_maker(db)


def queue(db, settings, *, context=None, to="piet@hsleiden.example", **options):
    with db() as session:
        mail = queue_mail(
            session,
            settings=settings,
            to=to,
            context=context or sample(ProposalToProvider),
            **options,
        )
        session.commit()
        return mail


def rows(db) -> list[OutboxMail]:
    with db() as session:
        return list(session.scalars(select(OutboxMail).order_by(OutboxMail.created_at)))


class TestTemplates:
    @pytest.mark.parametrize("kind", MAIL_KINDS, ids=lambda k: k.KIND)
    def test_render_every_kind_in_dutch_with_escaped_user_text(self, kind):
        mail = render_mail(sample(kind, HOSTILE), base_url=BASE_URL)
        assert mail.subject
        assert "\n" not in mail.subject
        assert "Met vriendelijke groet" in mail.text
        assert HOSTILE in mail.text  # plain text is not escaped
        assert "<script>" not in mail.html
        assert "&lt;script&gt;" in mail.html
        assert '<html lang="nl">' in mail.html
        # No external resources; every link points into the site (or mailto:).
        assert "src=" not in mail.html
        for href in re.findall(r'href="([^"]+)"', mail.html):
            assert href.startswith((BASE_URL + "/", "mailto:")), href
        assert f"{BASE_URL}/" in mail.text

    def test_every_kind_has_a_sample_and_a_context_with_fields(self):
        for kind in MAIL_KINDS:
            assert sample(kind).KIND == kind.KIND
            assert fields(kind)

    def test_essential_mail_says_why_it_always_comes(self):
        essential = render_mail(sample(PasswordReset), base_url=BASE_URL)
        optional = render_mail(sample(MatchConfirmed), base_url=BASE_URL)
        assert "eigen aanvraag" in essential.text
        assert f"{BASE_URL}/account/e-mail" in optional.text
        assert f'href="{BASE_URL}/account/e-mail"' in optional.html

    def test_undefined_variables_are_errors(self):
        with pytest.raises(UndefinedError):
            _environment().from_string("{{ missing }}").render()

    def test_links_are_site_paths_only(self):
        assert (
            absolute_url("https://kb.example/", "/vragen/1")
            == "https://kb.example/vragen/1"
        )
        for bad in ("https://evil.example/", "//evil.example/x", "vragen/1"):
            with pytest.raises(ValueError, match="site path"):
                absolute_url(BASE_URL, bad)

    def test_a_cancelled_proposal_says_why_in_plain_dutch(self):
        parked = render_mail(sample(ProposalCancelled), base_url=BASE_URL)
        text = " ".join(parked.text.split())
        assert "is vervallen: de vraag is geparkeerd tot 1 maart 2027." in text
        assert "U hoeft niet meer op dit voorstel te reageren." in text
        assert "geparkeerd tot 1 maart 2027." in parked.html
        withdrawn = replace(
            sample(ProposalCancelled),
            reason="de vraag is ingetrokken",
            parked_until=None,
        )
        text = " ".join(render_mail(withdrawn, base_url=BASE_URL).text.split())
        assert "is vervallen: de vraag is ingetrokken. U hoeft" in text
        assert "opnieuw een voorstel" not in text  # only a parked question returns

    def test_subjects_are_one_line(self):
        mail = render_mail(
            sample(MatchConfirmed, "Eerste\r\nBcc: x@y.example"), base_url=BASE_URL
        )
        assert mail.subject == "Koppeling bevestigd: Eerste Bcc: x@y.example"


class TestOutbox:
    def test_queued_mail_is_delivered_once_as_dutch_text_and_html(
        self, db, mail_settings, smtp, now, make_user
    ):
        provider = make_user(name="Piet Docent")
        queue(db, mail_settings, to=provider.email, user=provider)
        report = deliver_due(db, make_sender(mail_settings), now=now)
        assert (report.claimed, report.sent) == (1, 1)
        [message] = smtp.inbox.wait_for(1)
        assert message["From"] == "Kennisbrug <noreply@kennisbrug.test>"
        assert message["To"] == provider.email
        assert (
            message["Subject"] == "Voorstel voor uw aanbod: Hittestress in de Merenwijk"
        )
        assert message.get_content_type() == "multipart/alternative"
        text = message.get_body(("plain",)).get_content()
        html = message.get_body(("html",)).get_content()
        assert "Beste Piet Docent" in text
        assert "Bekijk het voorstel" in html
        for part in (text, html):
            assert f"{BASE_URL}/aanbod/voorstellen/1" in part
        [row] = rows(db)
        assert message["Message-ID"] == f"<{row.id}@kennisbrug.test>"
        assert (row.status, row.attempts, row.sent_at) == ("sent", 1, now)
        assert row.to_user_id == provider.id
        # Nothing is sent twice.
        assert (
            deliver_due(
                db, make_sender(mail_settings), now=now + timedelta(hours=1)
            ).claimed
            == 0
        )
        assert len(smtp.inbox.messages) == 1

    def test_rolled_back_transaction_sends_nothing(self, db, mail_settings, smtp, now):
        with db() as session:
            assert queue_mail(
                session,
                settings=mail_settings,
                to="a@b.example",
                context=sample(MatchConfirmed),
            )
            session.rollback()
        assert deliver_due(db, make_sender(mail_settings), now=now).claimed == 0
        assert rows(db) == []
        assert smtp.inbox.messages == []

    def test_mail_switched_off_still_gets_essential_mail(
        self, db, mail_settings, make_user
    ):
        quiet = make_user(wants_mail=False)
        assert queue(db, mail_settings, to=quiet.email, user=quiet) is None
        assert queue(
            db, mail_settings, to=quiet.email, user=quiet, context=sample(PasswordReset)
        )
        assert queue(db, mail_settings, to=quiet.email, user=quiet, essential=True)
        assert [(r.kind, r.is_essential) for r in rows(db)] == [
            ("password_reset", True),
            ("proposal_to_provider", True),
        ]

    def test_an_account_switched_off_gets_no_mail(self, db, mail_settings, make_user):
        """A deactivated or erased account cannot follow a link any more: the
        jobs' mails (a question open again, a proposal expired) are not queued to
        it, essential ones neither."""
        gone = make_user(active=False)
        assert queue(db, mail_settings, to=gone.email, user=gone) is None
        assert (
            queue(
                db,
                mail_settings,
                to=gone.email,
                user=gone,
                context=sample(PasswordReset),
            )
            is None
        )
        assert rows(db) == []

    def test_dedupe_key_queues_a_logical_mail_once(self, db, mail_settings):
        assert queue(db, mail_settings, dedupe_key="digest:1:2027-W03")
        assert queue(db, mail_settings, dedupe_key="digest:1:2027-W03") is None
        assert queue(db, mail_settings, dedupe_key="digest:1:2027-W04")
        assert len(rows(db)) == 2

    def test_losing_a_dedupe_race_keeps_the_callers_transaction(
        self, db, mail_settings
    ):
        with db() as session:
            # The first row is not flushed yet, so the lookup misses it, as it would
            # miss a concurrent transaction's row; the unique key decides.
            with session.no_autoflush:
                session.add(
                    OutboxMail(
                        to_address="a@b.example",
                        kind="match_confirmed",
                        subject="s",
                        text_body="t",
                        html_body="h",
                        dedupe_key="once",
                    )
                )
                assert (
                    queue_mail(
                        session,
                        settings=mail_settings,
                        to="a@b.example",
                        context=sample(MatchConfirmed),
                        dedupe_key="once",
                    )
                    is None
                )
            session.commit()
        assert [r.subject for r in rows(db)] == ["s"]

    def test_addresses_are_checked(self, db, mail_settings):
        for bad in (
            "no-at-sign",
            "a@b.example\r\nBcc: c@d.example",
            "Naam <a@b.example>",
        ):
            with pytest.raises(ValueError, match="address"):
                queue(db, mail_settings, to=bad)

    def test_old_mail_is_purged_and_an_address_forgotten(
        self, db, mail_settings, smtp, now
    ):
        queue(db, mail_settings, to="old@b.example")
        queue(db, mail_settings, to="Keep@B.example")
        deliver_due(db, make_sender(mail_settings), now=now)
        with db() as session:
            assert purge_old_mail(session, before=now - timedelta(days=1)) == 0
            assert purge_old_mail(session, before=now + timedelta(days=1)) == 2
            session.rollback()
            assert forget_address(session, ["keep@b.example"]) == 1
            session.commit()
        assert [r.to_address for r in rows(db)] == ["old@b.example"]


class TestDelivery:
    def test_smtp_outage_backs_off_then_delivers_once(
        self, db, mail_settings, smtp, now
    ):
        queue(db, mail_settings)
        sender = SmtpSender(mail_settings)
        smtp.stop()
        report = deliver_due(db, sender, now=now)
        assert (report.claimed, report.retried) == (1, 1)
        [row] = rows(db)
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.next_attempt_at == now + timedelta(minutes=1)
        assert "Connection refused" in (row.last_error or "")
        # Not due before its time; the second failure waits twice as long.
        assert deliver_due(db, sender, now=now + timedelta(seconds=59)).claimed == 0
        deliver_due(db, sender, now=now + timedelta(minutes=1))
        [row] = rows(db)
        assert row.attempts == 2
        assert row.next_attempt_at == now + timedelta(minutes=3)
        smtp.start()
        report = deliver_due(db, sender, now=now + timedelta(minutes=3))
        assert report.sent == 1
        assert len(smtp.inbox.wait_for(1)) == 1
        [row] = rows(db)
        assert (row.status, row.attempts, row.last_error) == ("sent", 3, None)

    def test_retry_policy_doubles_up_to_six_hours_then_gives_up(self, now):
        policy = RetryPolicy()
        delays = [policy.next_attempt_at(n, now) for n in range(1, 13)]
        assert [d - now for d in delays[:4] if d] == [
            timedelta(minutes=m) for m in (1, 2, 4, 8)
        ]
        assert delays[10] == now + timedelta(hours=6)
        assert delays[11] is None

    def test_the_last_failed_attempt_marks_the_mail_failed(
        self, db, mail_settings, smtp, now
    ):
        queue(db, mail_settings)
        smtp.stop()
        policy = RetryPolicy(max_attempts=2)
        sender = SmtpSender(mail_settings)
        deliver_due(db, sender, now=now, policy=policy)
        report = deliver_due(db, sender, now=now + timedelta(minutes=1), policy=policy)
        assert report.failed == 1
        [row] = rows(db)
        assert (row.status, row.attempts) == ("failed", 2)
        assert deliver_due(db, sender, now=now + timedelta(days=1)).claimed == 0

    def test_a_refused_recipient_fails_at_once(self, db, mail_settings, smtp, now):
        smtp.inbox.refused.add("gone@b.example")
        queue(db, mail_settings, to="gone@b.example")
        queue(db, mail_settings, to="here@b.example")
        report = deliver_due(db, SmtpSender(mail_settings), now=now)
        assert (report.sent, report.failed, report.retried) == (1, 1, 0)
        assert {r.to_address: r.status for r in rows(db)} == {
            "gone@b.example": "failed",
            "here@b.example": "sent",
        }

    def test_two_workers_deliver_every_mail_exactly_once(
        self, db, mail_settings, smtp, now
    ):
        with db() as session:
            for n in range(30):
                queue_mail(
                    session,
                    settings=mail_settings,
                    to=f"student{n}@b.example",
                    context=sample(InterestConfirmation),
                )
            session.commit()
        start = threading.Barrier(2)
        errors: list[BaseException] = []

        def work() -> None:
            try:
                sender = SmtpSender(mail_settings)
                start.wait()
                while deliver_due(db, sender, now=now, batch=4).claimed:
                    pass
            except BaseException as exc:  # reported below
                errors.append(exc)

        workers = [threading.Thread(target=work) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(60)
        assert errors == []
        messages = smtp.inbox.wait_for(30)
        assert sorted(m["To"] for m in messages) == sorted(
            f"student{n}@b.example" for n in range(30)
        )
        assert len({m["Message-ID"] for m in messages}) == 30
        assert {r.status for r in rows(db)} == {"sent"}

    def test_a_claim_left_by_a_dead_worker_is_sent_later(
        self, db, mail_settings, smtp, now
    ):
        queue(db, mail_settings)
        [claimed] = claim_due(db, now=now, batch=10)  # the worker then dies
        sender = SmtpSender(mail_settings)
        assert deliver_due(db, sender, now=now + timedelta(minutes=5)).claimed == 0
        report = deliver_due(db, sender, now=now + timedelta(minutes=10, seconds=1))
        assert report.sent == 1
        [message] = smtp.inbox.wait_for(1)
        assert message["Message-ID"] == f"<{claimed.mail.id}@kennisbrug.test>"
        [row] = rows(db)
        assert (row.status, row.attempts) == ("sent", 2)

    def test_a_long_run_over_a_slow_server_keeps_its_claims_from_a_second_worker(
        self, db, settings, now, monkeypatch
    ):
        """Each batch of a run claims from its own start: claims dated from the
        run's start would have expired by the third batch over a relay that takes
        4.5 s a mail, and a second worker would send those mails again."""
        for n in range(150):
            queue(db, settings, to=f"student{n}@b.example")
        clock = [0.0]  # seconds since the run started, on delivery's clock
        monkeypatch.setattr(
            delivery, "time", SimpleNamespace(monotonic=lambda: clock[0])
        )
        delivered: Counter[str] = Counter()
        second_worker: list[int] = []

        class Relay:
            def __init__(self, seconds_a_mail: float) -> None:
                self.seconds = seconds_a_mail

            @contextmanager
            def connect(self) -> Iterator[Relay]:
                yield self

            def send(self, mail: OutgoingMail) -> None:
                delivered[mail.to] += 1
                clock[0] += self.seconds
                # 11 minutes into the run, a second worker looks for due mail.
                if self.seconds and clock[0] > 660 and not second_worker:
                    at = now + timedelta(seconds=clock[0])
                    second_worker.append(
                        delivery.deliver_due(db, Relay(0), now=at).claimed
                    )

        monkeypatch.setattr(tasks, "make_sender", lambda _settings: Relay(4.5))
        sent = tasks.deliver_mail(JobContext(db, settings, now))
        assert second_worker == [0]  # it found nothing it could take over
        assert [to for to, n in delivered.items() if n > 1] == []
        assert sent == 150

    def test_login_uses_the_configured_credentials(self, db, settings, now):
        server = SmtpServer(credentials=("kennisbrug", "geheim"))
        server.start()
        try:
            good = server.settings(
                settings, smtp_user="kennisbrug", smtp_password=SecretStr("geheim")
            )
            bad = server.settings(
                settings, smtp_user="kennisbrug", smtp_password=SecretStr("fout")
            )
            queue(db, good)
            assert deliver_due(db, SmtpSender(bad), now=now).retried == 1
            assert "SMTPAuthenticationError" in (rows(db)[0].last_error or "")
            assert (
                deliver_due(db, SmtpSender(good), now=now + timedelta(minutes=1)).sent
                == 1
            )
            assert len(server.inbox.wait_for(1)) == 1
        finally:
            server.stop()

    def test_without_smtp_mail_goes_to_the_log(self, db, settings, now, caplog):
        embedded = settings.model_copy(update={"smtp_host": None, "base_url": BASE_URL})
        sender = make_sender(embedded)
        assert isinstance(sender, LogSender)
        queue(db, embedded, context=sample(InterestConfirmation))
        with caplog.at_level(logging.INFO, logger="kennisbrug.mail"):
            assert deliver_due(db, sender, now=now).sent == 1
        assert "Bevestig uw belangstelling" in caplog.text
        assert f"{BASE_URL}/portaal/1/bevestigen/abc" in caplog.text
        assert rows(db)[0].status == "sent"

    def test_smtp_errors_are_told_apart(self):
        from app.mail.delivery import _is_permanent

        assert _is_permanent(smtplib.SMTPRecipientsRefused({"a@b": (550, b"no")}))
        assert not _is_permanent(
            smtplib.SMTPRecipientsRefused({"a@b": (450, b"later")})
        )
        assert _is_permanent(smtplib.SMTPDataError(554, b"rejected"))
        assert not _is_permanent(smtplib.SMTPSenderRefused(553, b"no", "x@y"))
        assert not _is_permanent(smtplib.SMTPAuthenticationError(535, b"no"))
        assert not _is_permanent(ConnectionRefusedError())
