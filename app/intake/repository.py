"""Queries the intake help needs: the city's earlier questions."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.codes import QuestionStatus
from app.models import Question


def earlier_questions(session: Session, municipality_id: uuid.UUID) -> list[Question]:
    """The city's questions that were ever put to the broker (drafts are private).

    The parts of a split question are left out: they are that question again,
    once per level, and would crowd out other earlier questions (`parts_of`
    brings their work to the split question).
    """
    return list(
        session.scalars(
            select(Question)
            .where(
                Question.municipality_id == municipality_id,
                Question.status != QuestionStatus.DRAFT,
                Question.parent_id.is_(None),
            )
            .order_by(Question.id)
        )
    )


def parts_of(
    session: Session, question_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """Part id -> its split question's id, for the parts of these questions."""
    if not question_ids:
        return {}
    rows = session.execute(
        select(Question.id, Question.parent_id).where(
            Question.parent_id.in_(list(question_ids))
        )
    )
    return {part: parent for part, parent in rows if parent is not None}
