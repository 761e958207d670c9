"""Queue mail in the caller's transaction; the mail job delivers it after commit.

Nothing here talks to SMTP: a mail exists only if the change that caused it is
committed, and a rolled-back change leaves no mail behind.
"""

from __future__ import annotations

from datetime import datetime
from email.utils import parseaddr

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.config import Settings
from app.jobs.queue import request_run
from app.jobs.registry import JobName
from app.mail import repository
from app.mail.kinds import MailContext
from app.mail.render import render_mail
from app.models import OutboxMail, User


def _checked_address(to: str) -> str:
    address = to.strip()
    if parseaddr(address)[1] != address or "@" not in address:
        raise ValueError(f"not a bare e-mail address: {to!r}")
    return address


def queue_mail(
    session: Session,
    *,
    settings: Settings,
    to: str,
    context: MailContext,
    user: User | None = None,
    essential: bool | None = None,
    dedupe_key: str | None = None,
) -> OutboxMail | None:
    """Render `context` and add it to the outbox in the caller's transaction.

    Args:
        to: the recipient's bare address.
        context: the kind's data (app/mail/kinds.py); it names the templates.
        user: the recipient's account, if any; one who switched mail off
            (`wants_mail=False`) gets only essential mail.
        essential: overrides the kind's own `ESSENTIAL`.
        dedupe_key: names the logical mail ("digest:<user>:2027-W03"); a second
            mail with the same key is never queued.

    Returns:
        The new row (flushed, not committed), or None when nothing was queued.
    """
    is_essential = context.ESSENTIAL if essential is None else essential
    if user is not None and not user.wants_mail and not is_essential:
        return None
    if dedupe_key is not None and repository.has_dedupe_key(session, dedupe_key):
        return None
    rendered = render_mail(context, base_url=settings.base_url)
    mail = OutboxMail(
        to_address=_checked_address(to),
        to_user_id=user.id if user is not None else None,
        kind=context.KIND,
        subject=rendered.subject,
        text_body=rendered.text,
        html_body=rendered.html,
        is_essential=is_essential,
        dedupe_key=dedupe_key,
    )
    try:
        # A savepoint, so losing a race on dedupe_key leaves the caller's
        # transaction intact.
        with session.begin_nested():
            session.add(mail)
    except IntegrityError:
        if dedupe_key is None:
            raise
        return None
    request_run(session, JobName.MAIL)
    return mail


def purge_old_mail(session: Session, *, before: datetime) -> int:
    """Delete sent and failed mails created before `before` (addresses and bodies
    are personal data); the caller commits."""
    return repository.delete_finished_before(session, before)


def forget_address(session: Session, email: str) -> int:
    """Delete every mail to `email`, sent or not (erasure, AVG art. 17); the caller
    commits."""
    return repository.delete_to(session, email)
