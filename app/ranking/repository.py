"""Every query ranking needs: the offer pool, stored vectors, other questions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.codes import OfferStatus, QuestionStatus
from app.models import Embedding, Offer, Question
from app.offers.repository import serving
from app.questions.repository import is_split


def offer_pool(session: Session, municipality_id: uuid.UUID) -> list[Offer]:
    """Every offer serving the city a broker could consider (archived ones are gone)."""
    return list(
        session.scalars(
            select(Offer)
            .where(
                serving(municipality_id),
                Offer.status != OfferStatus.ARCHIVED,
            )
            .order_by(Offer.id)
        )
    )


def other_questions(session: Session, q: Question) -> list[Question]:
    """The city's other questions, for duplicate detection."""
    return list(
        session.scalars(
            select(Question)
            .where(Question.municipality_id == q.municipality_id, Question.id != q.id)
            .order_by(Question.id)
        )
    )


def open_questions(session: Session, municipality_id: uuid.UUID) -> list[Question]:
    return list(
        session.scalars(
            select(Question)
            .where(
                Question.municipality_id == municipality_id,
                Question.status == QuestionStatus.OPEN,
                ~is_split(),  # its parts are allocated instead
            )
            .order_by(Question.created_at, Question.id)
        )
    )


def all_questions(session: Session) -> list[Question]:
    return list(session.scalars(select(Question).order_by(Question.id)))


def all_offers(session: Session) -> list[Offer]:
    return list(session.scalars(select(Offer).order_by(Offer.id)))


def embeddings_of(
    session: Session, owner_type: str, ids: Sequence[uuid.UUID], model_name: str
) -> dict[uuid.UUID, Embedding]:
    if not ids:
        return {}
    rows = session.scalars(
        select(Embedding).where(
            Embedding.owner_type == owner_type,
            Embedding.owner_id.in_(list(ids)),
            Embedding.model_name == model_name,
        )
    )
    return {row.owner_id: row for row in rows}
