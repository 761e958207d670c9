"""Every query ranking needs: the offer pool, stored vectors, other questions."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.codes import OfferStatus, QuestionStatus
from app.models import Embedding, Offer, Question, RankingStamp
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
    """The city's other questions, for duplicate detection: those ever put to the
    broker (a draft is its author's own, as in the intake help)."""
    return list(
        session.scalars(
            select(Question)
            .where(
                Question.municipality_id == q.municipality_id,
                Question.id != q.id,
                Question.status != QuestionStatus.DRAFT,
            )
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


def stamp(session: Session) -> tuple[int, int]:
    """The ranking stamp: (version, rebuild_version); (0, 0) before any change."""
    row = session.execute(
        select(RankingStamp.version, RankingStamp.rebuild_version).where(
            RankingStamp.id == 1
        )
    ).first()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def offers_changed_since(session: Session, version: int) -> list[Offer]:
    """Every offer (any city) whose ranking input changed after stamp `version`."""
    return list(
        session.scalars(
            select(Offer).where(Offer.index_version > version).order_by(Offer.id)
        )
    )


def offers_by_id(session: Session, ids: Sequence[str]) -> dict[str, Offer]:
    """The offers with these ids (as strings, as the engine names them)."""
    if not ids:
        return {}
    wanted = [uuid.UUID(i) for i in dict.fromkeys(ids)]
    return {
        str(o.id): o for o in session.scalars(select(Offer).where(Offer.id.in_(wanted)))
    }
