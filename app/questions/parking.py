"""Parked questions open again by themselves on their date, and their owner is told."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.codes import QuestionStatus
from app.env import Env
from app.mail import kinds
from app.mail.service import queue_mail
from app.models import Question


def _due(session: Session, today: date) -> list[Question]:
    return list(
        session.scalars(
            select(Question)
            .where(
                Question.status == QuestionStatus.PARKED,
                Question.parked_until <= today,
            )
            .order_by(Question.parked_until, Question.id)
        )
    )


def _reopen(session: Session, q: Question, today: date) -> bool:
    """One guarded UPDATE: only a question still parked (and due) is opened."""
    result = session.execute(
        update(Question)
        .where(
            Question.id == q.id,
            Question.status == QuestionStatus.PARKED,
            Question.parked_until <= today,
        )
        .values(status=QuestionStatus.OPEN, parked_until=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def reopen_parked(session: Session, env: Env) -> int:
    """Open every parked question whose date has come; returns how many.

    Each question is its own transaction with its audit event and the mail to its
    owner, so a run that stops half-way leaves no question open without its mail.
    Idempotent: a second run (or a second worker) finds nothing left to open.
    """
    reopened = 0
    for q in _due(session, env.today):
        parked_until = q.parked_until
        if not _reopen(session, q, env.today):
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
                "note": f"parked until {parked_until}: reopened by itself",
            },
        )
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
        session.commit()
        reopened += 1
    return reopened
