"""Deliver due outbox mail: claim, commit, send, mark; retries with backoff.

A worker claims a batch (status 'sending', `claimed_until`) in a short transaction
of its own: PostgreSQL skips rows another worker holds (`FOR UPDATE SKIP LOCKED`),
SQLite serialises writers (`BEGIN IMMEDIATE`), so two workers never claim the same
mail. Each mail is marked 'sent' right after the server accepted it. A worker that
dies between the two leaves a claim that expires; the mail is then sent again
(at least once across crashes, exactly once in normal operation). A failure puts
the mail back to 'pending' at `next_attempt_at` (exponential backoff), or 'failed'
after the last attempt or a permanent refusal (5xx for this message).
Each mail is read again just before it is sent: one erased meanwhile is not
sent, a scrubbed one goes out scrubbed, and non-essential mail to a user who
switched mail off meanwhile is marked 'failed' unsent.
"""

from __future__ import annotations

import logging
import smtplib
import time
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from app.codes import MailStatus
from app.mail import repository
from app.mail.sender import OutgoingMail, Sender

logger = logging.getLogger("kennisbrug.mail")
MAX_ERROR_LENGTH = 1000


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """1, 2, 4, … minutes between attempts, at most 6 hours; 12 attempts ≈ 26 hours."""

    base_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(hours=6)
    max_attempts: int = 12

    def next_attempt_at(self, attempts: int, now: datetime) -> datetime | None:
        """When to try again after `attempts` failed attempts; None: give up."""
        if attempts >= self.max_attempts:
            return None
        delay = self.base_delay * (1 << min(max(attempts - 1, 0), 30))
        return now + min(delay, self.max_delay)


DEFAULT_POLICY = RetryPolicy()
# Long enough for a whole batch over a slow server; a claim older than this
# belongs to a worker that died.
DEFAULT_CLAIM = timedelta(minutes=10)


@dataclass(slots=True)
class DeliveryReport:
    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    released: int = 0


@dataclass(frozen=True, slots=True)
class _Claimed:
    mail: OutgoingMail
    attempts: int
    claimed_until: datetime


def _is_permanent(exc: BaseException) -> bool:
    """The server refused this message or its recipient for good (5xx).

    A refused sender or login is a configuration error that affects every mail:
    those wait (with backoff) until it is fixed, as do all 4xx and network errors.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]


def claim_due(
    session_factory: sessionmaker[Session],
    *,
    now: datetime,
    batch: int,
    claim_for: timedelta = DEFAULT_CLAIM,
) -> list[_Claimed]:
    """Claim up to `batch` due mails (pending and due, or an expired claim); commit."""
    until = now + claim_for
    with session_factory() as session:
        rows = repository.lock_due(session, now=now, batch=batch)
        claimed = []
        for row in rows:
            row.status = MailStatus.SENDING
            row.claimed_until = until
            row.attempts += 1
            mail = OutgoingMail(
                id=row.id,
                to=row.to_address,
                subject=row.subject,
                text=row.text_body,
                html=row.html_body,
            )
            claimed.append(_Claimed(mail, row.attempts, until))
        session.commit()
    return claimed


OPTED_OUT = "not sent: the recipient switched off mail that is not essential"


def _recheck(
    session_factory: sessionmaker[Session], item: _Claimed
) -> tuple[_Claimed | None, bool]:
    """Read the claimed mail again just before sending it.

    A batch is claimed up front and sent over minutes; meanwhile an erasure may
    have deleted the mail or scrubbed a name from it (AVG art. 17), and its
    recipient may have switched mail off. Returns the mail as stored now (None:
    gone or taken over, send nothing) and whether it is now unwanted (not
    essential, and the recipient's account switched mail off).
    """
    with session_factory() as session:
        held = repository.still_held(session, item.mail.id, item.claimed_until)
        if held is None:
            return None, False
        row, wants_mail = held
        mail = OutgoingMail(
            id=row.id,
            to=row.to_address,
            subject=row.subject,
            text=row.text_body,
            html=row.html_body,
        )
        return replace(item, mail=mail), not row.is_essential and not wants_mail


def _finish(
    session_factory: sessionmaker[Session], item: _Claimed, **values: object
) -> bool:
    """Update a mail we still hold; False if our claim was taken over meanwhile."""
    with session_factory() as session:
        held = repository.update_claimed(
            session, item.mail.id, item.claimed_until, **values
        )
        session.commit()
    return held


def _fail(
    session_factory: sessionmaker[Session],
    item: _Claimed,
    exc: BaseException,
    *,
    now: datetime,
    policy: RetryPolicy,
    report: DeliveryReport,
) -> None:
    retry_at = (
        None if _is_permanent(exc) else policy.next_attempt_at(item.attempts, now)
    )
    error = _describe(exc)
    if retry_at is None:
        logger.warning(
            "mail %s to %s failed for good: %s", item.mail.id, item.mail.to, error
        )
        _finish(
            session_factory,
            item,
            status=MailStatus.FAILED,
            claimed_until=None,
            last_error=error,
        )
        report.failed += 1
    else:
        logger.info(
            "mail %s: attempt %d failed, next at %s: %s",
            item.mail.id,
            item.attempts,
            retry_at.isoformat(),
            error,
        )
        _finish(
            session_factory,
            item,
            status=MailStatus.PENDING,
            claimed_until=None,
            next_attempt_at=retry_at,
            last_error=error,
        )
        report.retried += 1


def _release(
    session_factory: sessionmaker[Session],
    items: list[_Claimed],
    report: DeliveryReport,
) -> None:
    """Give back claims we ran out of time for, without counting an attempt."""
    for item in items:
        if _finish(
            session_factory,
            item,
            status=MailStatus.PENDING,
            claimed_until=None,
            attempts=item.attempts - 1,
        ):
            report.released += 1


def deliver_batches(
    session_factory: sessionmaker[Session],
    sender: Sender,
    *,
    now: datetime,
    batch: int,
    max_batches: int,
) -> int:
    """Deliver batch after batch until one is short or `max_batches` ran; returns
    the number sent.

    Each batch claims from its own start (`now` plus the time the run has taken),
    so a late batch holds its claims as long as the first: claims dated from the
    run's start would already have expired over a slow server, and another worker
    would send those mails again.
    """
    started = time.monotonic()
    sent = 0
    for _ in range(max_batches):
        at = now + timedelta(seconds=time.monotonic() - started)
        report = deliver_due(session_factory, sender, now=at, batch=batch)
        sent += report.sent
        if report.claimed < batch:
            break
    return sent


def deliver_due(
    session_factory: sessionmaker[Session],
    sender: Sender,
    *,
    now: datetime,
    batch: int = 50,
    policy: RetryPolicy = DEFAULT_POLICY,
    claim_for: timedelta = DEFAULT_CLAIM,
) -> DeliveryReport:
    """Send one batch of due mail; safe to run in several workers at once."""
    report = DeliveryReport()
    claimed = claim_due(session_factory, now=now, batch=batch, claim_for=claim_for)
    report.claimed = len(claimed)
    if not claimed:
        return report
    done: set[uuid.UUID] = set()

    def fail(items: list[_Claimed], exc: BaseException) -> None:
        for item in items:
            _fail(session_factory, item, exc, now=now, policy=policy, report=report)
            done.add(item.mail.id)

    # Stop well before our claims expire, so no other worker can take one over
    # while we are still sending it.
    deadline = time.monotonic() + claim_for.total_seconds() / 2
    try:
        with sender.connect() as transport:
            for index, item in enumerate(claimed):
                if time.monotonic() > deadline:
                    _release(session_factory, claimed[index:], report)
                    done.update(rest.mail.id for rest in claimed[index:])
                    break
                current, unwanted = _recheck(session_factory, item)
                if current is None:  # erased or taken over meanwhile
                    done.add(item.mail.id)
                    continue
                if unwanted:
                    _finish(
                        session_factory,
                        current,
                        status=MailStatus.FAILED,
                        claimed_until=None,
                        last_error=OPTED_OUT,
                    )
                    done.add(item.mail.id)
                    report.failed += 1
                    continue
                item = current
                try:
                    transport.send(item.mail)
                except smtplib.SMTPServerDisconnected as exc:
                    fail(claimed[index:], exc)  # the rest wait for a retry too
                    break
                except smtplib.SMTPException as exc:  # about this message only
                    fail([item], exc)
                    continue
                except OSError as exc:  # the network: as disconnected
                    fail(claimed[index:], exc)
                    break
                done.add(item.mail.id)
                report.sent += 1
                if not _finish(
                    session_factory,
                    item,
                    status=MailStatus.SENT,
                    sent_at=now,
                    claimed_until=None,
                    last_error=None,
                ):
                    logger.warning(
                        "mail %s was sent after its claim expired", item.mail.id
                    )
    except (smtplib.SMTPException, OSError) as exc:
        # Connecting, STARTTLS or login failed: what was not handled waits.
        fail([item for item in claimed if item.mail.id not in done], exc)
    return report
