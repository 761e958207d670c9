"""Queue mail in the caller's transaction; the mail job delivers it after commit.

Nothing here talks to SMTP: a mail exists only if the change that caused it is
committed, and a rolled-back change leaves no mail behind.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Collection
from datetime import datetime
from email.utils import parseaddr

from markupsafe import escape
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.config import Settings
from app.jobs.queue import request_run
from app.jobs.registry import JobName
from app.mail import repository
from app.mail.kinds import MailContext
from app.mail.render import MAX_SUBJECT, render_mail
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
            (`wants_mail=False`) gets only essential mail, a deactivated or
            erased one none.
        essential: overrides the kind's own `ESSENTIAL`.
        dedupe_key: names the logical mail ("digest:<user>:2027-W03"); a second
            mail with the same key is never queued.

    Returns:
        The new row (flushed, not committed), or None when nothing was queued.
    """
    is_essential = context.ESSENTIAL if essential is None else essential
    if user is not None and not user.is_active:
        return None  # deactivated or erased: no one can follow its links
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


def forget_address(
    session: Session, emails: Collection[str], *, user_ids: Collection[uuid.UUID] = ()
) -> int:
    """Delete every mail to one of `emails` or to the accounts `user_ids` (also at
    an earlier address), sent or not (erasure, AVG art. 17); the caller commits."""
    return repository.delete_to(session, emails, user_ids)


def scrub_mentions(
    session: Session, mentions: Collection[str], *, placeholder: str
) -> int:
    """Replace these names and addresses by `placeholder` in every mail, sent or
    not (erasure, AVG art. 17); returns how many mails changed. The caller commits.

    Mail to others that names the erased person (the match_confirmed mail names
    the offer's contact) is scrubbed, not deleted: a pending mail still tells its
    recipient what happened, without the person's data; a sent one is kept only
    until the retention job purges it, and without that data meanwhile. Whole
    words only, case-insensitive, in plain and HTML-escaped spelling.
    """
    pattern = _mention_pattern(mentions)
    if pattern is None:
        return 0
    changed = 0
    for mail in repository.list_all(session):
        subject = pattern.sub(placeholder, mail.subject)[:MAX_SUBJECT]
        text = pattern.sub(placeholder, mail.text_body)
        html = pattern.sub(placeholder, mail.html_body)
        if (subject, text, html) != (mail.subject, mail.text_body, mail.html_body):
            mail.subject, mail.text_body, mail.html_body = subject, text, html
            changed += 1
    return changed


def _mention_pattern(mentions: Collection[str]) -> re.Pattern[str] | None:
    # Any run of whitespace inside a name matches (a wrapped text line).
    spellings = {
        r"\s+".join(map(re.escape, form.split()))
        for m in mentions
        for form in (m, str(escape(m)))
        if form.strip()
    }
    if not spellings:
        return None
    words = "|".join(sorted(spellings, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.IGNORECASE)
