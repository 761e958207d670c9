"""Queries of the learner: the broker's decisions and the stored models."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import Decision, LearnedModel


def decisions(
    session: Session, engine_version: str, municipality_id: uuid.UUID | None
) -> list[Decision]:
    """Decisions made on lists of this engine version, of one city or of all."""
    query = select(Decision).where(Decision.engine_version == engine_version)
    if municipality_id is not None:
        query = query.where(Decision.municipality_id == municipality_id)
    return list(session.scalars(query))


def newest_model(
    session: Session, municipality_id: uuid.UUID | None, engine_version: str
) -> LearnedModel | None:
    """The newest model of the city (None: the one trained on all cities)."""
    owner = (
        LearnedModel.municipality_id.is_(None)
        if municipality_id is None
        else LearnedModel.municipality_id == municipality_id
    )
    return session.scalars(
        select(LearnedModel)
        .where(owner, LearnedModel.engine_version == engine_version)
        .order_by(LearnedModel.created_at.desc())
        .limit(1)
    ).first()


def decision_counts(session: Session, engine_version: str) -> dict[uuid.UUID, int]:
    """Per city, how many decisions were made on lists of this engine version."""
    rows = session.execute(
        select(Decision.municipality_id, func.count())
        .where(Decision.engine_version == engine_version)
        .group_by(Decision.municipality_id)
    )
    return {city: int(n) for city, n in rows}
