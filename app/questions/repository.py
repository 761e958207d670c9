"""Every query on questions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, exists, func, select, update
from sqlalchemy.orm import Session, aliased

from app.codes import QuestionStatus
from app.models import Neighbourhood, Question, Theme
from app.models.question import question_themes


@dataclass(frozen=True, slots=True)
class QuestionFilter:
    municipality_id: uuid.UUID
    statuses: Sequence[str] = ()
    theme: str | None = None
    neighbourhood: str | None = None
    owner_id: uuid.UUID | None = None
    is_public: bool | None = None


def get(session: Session, question_id: uuid.UUID) -> Question | None:
    return session.get(Question, question_id)


def lock(session: Session, question_id: uuid.UUID) -> Question:
    """Re-read the question and hold its row until the transaction ends.

    Every step that changes a question's status (its own transitions and every match
    step) takes this lock first, so the status is decided on the latest committed
    state and derived from matches that cannot change meanwhile. `FOR NO KEY UPDATE`
    (not `FOR UPDATE`) still lets other transactions insert rows that reference the
    question. SQLite ignores the clause: its writers are serialised already.
    """
    q = session.scalars(
        select(Question)
        .where(Question.id == question_id)
        .with_for_update(of=Question, key_share=True)
        .execution_options(populate_existing=True)
    ).one()
    return q


def has_theme(slug: str) -> ColumnElement[bool]:
    """The question carries the theme with this slug."""
    return Question.id.in_(
        select(question_themes.c.question_id)
        .join(Theme, Theme.id == question_themes.c.theme_id)
        .where(Theme.slug == slug)
    )


def _filtered(f: QuestionFilter) -> Select[Question]:
    stmt = select(Question).where(Question.municipality_id == f.municipality_id)
    if f.statuses:
        stmt = stmt.where(Question.status.in_(f.statuses))
    if f.owner_id is not None:
        stmt = stmt.where(Question.owner_id == f.owner_id)
    if f.is_public is not None:
        stmt = stmt.where(Question.is_public.is_(f.is_public))
    if f.theme:
        stmt = stmt.where(has_theme(f.theme))
    if f.neighbourhood:
        stmt = stmt.where(
            Question.neighbourhood_id.in_(
                select(Neighbourhood.id).where(Neighbourhood.slug == f.neighbourhood)
            )
        )
    return stmt


def list_page(
    session: Session, f: QuestionFilter, *, limit: int, offset: int
) -> tuple[list[Question], int]:
    stmt = _filtered(f)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Question.created_at.desc(), Question.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


def list_all(session: Session, f: QuestionFilter) -> list[Question]:
    return list(
        session.scalars(_filtered(f).order_by(Question.created_at, Question.id))
    )


def add(session: Session, question: Question) -> Question:
    session.add(question)
    session.flush()
    return question


def is_split() -> ColumnElement[bool]:
    """The question was split into sub-questions: its parts take the matches."""
    part = aliased(Question)
    return exists().where(part.parent_id == Question.id)


def children(session: Session, question_id: uuid.UUID) -> list[Question]:
    """The sub-questions a question was split into, by level."""
    return list(
        session.scalars(
            select(Question)
            .where(Question.parent_id == question_id)
            .order_by(Question.created_at, Question.id)
        )
    )


def list_parked_until(session: Session, today: date) -> list[Question]:
    """Parked questions whose reopening day has come, earliest first."""
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


def follow_ups(session: Session, question_id: uuid.UUID) -> list[Question]:
    """The questions that follow up on this one, oldest first."""
    return list(
        session.scalars(
            select(Question)
            .where(Question.follows_id == question_id)
            .order_by(Question.created_at, Question.id)
        )
    )


def reopen_parked(session: Session, question_id: uuid.UUID, today: date) -> bool:
    """One guarded UPDATE: only a question still parked (and due) is opened."""
    result = session.execute(
        update(Question)
        .where(
            Question.id == question_id,
            Question.status == QuestionStatus.PARKED,
            Question.parked_until <= today,
        )
        .values(status=QuestionStatus.OPEN, parked_until=None)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def count_by_status(session: Session, municipality_id: uuid.UUID) -> dict[str, int]:
    """How many questions of the municipality hold each status."""
    rows = session.execute(
        select(Question.status, func.count())
        .where(Question.municipality_id == municipality_id)
        .group_by(Question.status)
    )
    return {str(status): int(n) for status, n in rows}
