"""Queries behind the student portal: public questions and their placements."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, exists, or_, select
from sqlalchemy.orm import Session, joinedload

from app.models import Match, Question, QuestionLevel
from app.questions.repository import has_theme, is_split


@dataclass(frozen=True, slots=True)
class PublicFilter:
    """SQL-side filters; free-text search happens in the service (accent folding)."""

    municipality_id: uuid.UUID
    statuses: Sequence[str]
    level: str | None = None
    theme: str | None = None
    neighbourhood_id: uuid.UUID | None = None
    period_from: date | None = None
    period_until: date | None = None


def _public(f: PublicFilter) -> Select[Question]:
    stmt = select(Question).where(
        Question.municipality_id == f.municipality_id,
        Question.is_public.is_(True),
        Question.status.in_(f.statuses),
        ~is_split(),  # students find its parts, each with its own level
    )
    if f.level:
        # No level rows means the question accepts any level.
        any_level = ~exists().where(QuestionLevel.question_id == Question.id)
        this_level = exists().where(
            QuestionLevel.question_id == Question.id, QuestionLevel.level == f.level
        )
        stmt = stmt.where(or_(any_level, this_level))
    if f.theme:
        stmt = stmt.where(has_theme(f.theme))
    if f.neighbourhood_id:
        stmt = stmt.where(Question.neighbourhood_id == f.neighbourhood_id)
    # An open end of the wanted window counts as "any time".
    if f.period_from:
        stmt = stmt.where(
            or_(Question.wanted_until.is_(None), Question.wanted_until >= f.period_from)
        )
    if f.period_until:
        stmt = stmt.where(
            or_(Question.wanted_from.is_(None), Question.wanted_from <= f.period_until)
        )
    return stmt


def list_public(session: Session, f: PublicFilter) -> list[Question]:
    """Every public question that passes the filters, newest first."""
    stmt = _public(f).order_by(Question.created_at.desc(), Question.id)
    return list(session.scalars(stmt).unique())


def get_public(
    session: Session, question_id: uuid.UUID, statuses: Sequence[str]
) -> Question | None:
    stmt = select(Question).where(
        and_(
            Question.id == question_id,
            Question.is_public.is_(True),
            Question.status.in_(statuses),
            ~is_split(),
        )
    )
    return session.scalars(stmt).unique().one_or_none()


def list_matches(
    session: Session, question_ids: Sequence[uuid.UUID], statuses: Sequence[str]
) -> list[Match]:
    """Matches of the questions in `statuses`, with their offers loaded."""
    if not question_ids:
        return []
    stmt = (
        select(Match)
        .options(joinedload(Match.offer))
        .where(Match.question_id.in_(question_ids), Match.status.in_(statuses))
        .order_by(Match.created_at, Match.id)
    )
    return list(session.scalars(stmt).unique())
