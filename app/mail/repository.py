"""Every query on the outbox."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from app.codes import MailStatus
from app.models import OutboxMail, User


def has_dedupe_key(session: Session, dedupe_key: str) -> bool:
    found = session.scalar(
        select(OutboxMail.id).where(OutboxMail.dedupe_key == dedupe_key)
    )
    return found is not None


def lock_due(session: Session, *, now: datetime, batch: int) -> list[OutboxMail]:
    """Up to `batch` due mails (pending and due, or an expired claim), locked.

    `SKIP LOCKED`: a row another worker holds is left to it (PostgreSQL; SQLite
    serialises writers anyway).
    """
    due = or_(
        and_(
            OutboxMail.status == MailStatus.PENDING, OutboxMail.next_attempt_at <= now
        ),
        and_(OutboxMail.status == MailStatus.SENDING, OutboxMail.claimed_until < now),
    )
    return list(
        session.scalars(
            select(OutboxMail)
            .where(due)
            .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
            .limit(batch)
            .with_for_update(skip_locked=True)
        )
    )


def update_claimed(
    session: Session, mail_id: uuid.UUID, held_until: datetime, **values: object
) -> bool:
    """Update a mail this worker still holds; False if its claim was taken over."""
    result = session.execute(
        update(OutboxMail)
        .where(
            OutboxMail.id == mail_id,
            OutboxMail.status == MailStatus.SENDING,
            OutboxMail.claimed_until == held_until,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def still_held(
    session: Session, mail_id: uuid.UUID, held_until: datetime
) -> tuple[OutboxMail, bool] | None:
    """The mail as stored now, if this worker still holds it, and whether its
    recipient's account still wants mail that is not essential; None if it was
    deleted (erasure) or taken over."""
    row = session.execute(
        select(OutboxMail, User.wants_mail)
        .outerjoin(User, User.id == OutboxMail.to_user_id)
        .where(
            OutboxMail.id == mail_id,
            OutboxMail.status == MailStatus.SENDING,
            OutboxMail.claimed_until == held_until,
        )
    ).one_or_none()
    if row is None:
        return None
    mail, wants_mail = row
    return mail, wants_mail is not False


def delete_finished_before(session: Session, before: datetime) -> int:
    result = session.execute(
        delete(OutboxMail)
        .where(
            OutboxMail.status.in_((MailStatus.SENT, MailStatus.FAILED)),
            OutboxMail.created_at < before,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def delete_to(
    session: Session, emails: Collection[str], user_ids: Collection[uuid.UUID] = ()
) -> int:
    """Delete the mails to one of `emails` or to one of the accounts `user_ids`."""
    to = func.lower(OutboxMail.to_address).in_({e.strip().lower() for e in emails})
    result = session.execute(
        delete(OutboxMail)
        .where(or_(to, OutboxMail.to_user_id.in_(user_ids)) if user_ids else to)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


def list_all(session: Session) -> list[OutboxMail]:
    return list(
        session.scalars(
            select(OutboxMail).order_by(OutboxMail.created_at, OutboxMail.id)
        )
    )
