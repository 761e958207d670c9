"""Parked questions open again by themselves on their date, and their owner is told."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.codes import QuestionStatus
from app.env import Env
from app.mail import kinds
from app.mail.service import queue_mail
from app.models import Question
from app.questions import repository

REOPENED_NOTE = "vanzelf weer open op de dag tot wanneer ze geparkeerd was"


def reopen_parked(session: Session, env: Env) -> int:
    """Open every parked question whose date has come; returns how many.

    Each question is its own transaction with its audit event and the mail to its
    owner, so a run that stops half-way leaves no question open without its mail.
    Idempotent: a second run (or a second worker) finds nothing left to open.
    """
    reopened = 0
    # Split questions before their parts (stable: still earliest first): a run
    # that stops half-way never opens a part whose parent's mail is not sent.
    due = sorted(
        repository.list_parked_until(session, env.today),
        key=lambda q: q.parent_id is not None,
    )
    due_ids = {q.id for q in due}
    for q in due:
        parked_until = q.parked_until
        # A split question parked as a whole reopens with its parts: its owner
        # hears it once, from the split question (its page lists the parts).
        tell_owner = q.parent_id not in due_ids
        if not repository.reopen_parked(session, q.id, env.today):
            session.rollback()
            continue
        audit.record_for(
            session,
            "question",
            q,
            actor=None,
            action="status_changed",
            changes={
                "status": {
                    "before": QuestionStatus.PARKED,
                    "after": QuestionStatus.OPEN,
                },
                # Shown as the reason in every history (Dutch, like the other
                # notes the system writes); the date stays a field of its own.
                "note": REOPENED_NOTE,
                "parked_until": parked_until.isoformat() if parked_until else None,
            },
        )
        if tell_owner:
            _mail_owner(session, env, q, parked_until)
        session.commit()
        reopened += 1
    return reopened


def _mail_owner(
    session: Session, env: Env, q: Question, parked_until: date | None
) -> None:
    """Queue the "open again" mail to the question's owner (once per parking)."""
    owner = q.owner
    queue_mail(
        session,
        settings=env.settings,
        to=owner.email,
        user=owner,
        context=kinds.QuestionReopened(
            owner_name=owner.name,
            question_title=q.title,
            question_path=f"/vragen/{q.id}",
        ),
        dedupe_key=f"reopened:{q.id}:{parked_until}",
    )
