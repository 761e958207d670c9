"""Queries the intake help needs: the city's earlier questions."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.codes import QuestionStatus
from app.models import Question


def earlier_questions(session: Session, municipality_id: uuid.UUID) -> list[Question]:
    """The city's questions that were ever put to the broker (drafts are private)."""
    return list(
        session.scalars(
            select(Question)
            .where(
                Question.municipality_id == municipality_id,
                Question.status != QuestionStatus.DRAFT,
            )
            .order_by(Question.id)
        )
    )
