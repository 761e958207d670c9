"""Every query on matches."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, joinedload

from app.codes import MatchStatus
from app.models import Match, Offer


def get(session: Session, match_id: uuid.UUID) -> Match | None:
    return session.scalar(
        select(Match)
        .where(Match.id == match_id)
        .options(joinedload(Match.question), joinedload(Match.offer))
    )


def find(session: Session, question_id: uuid.UUID, offer_id: uuid.UUID) -> Match | None:
    return session.scalar(
        select(Match).where(
            Match.question_id == question_id, Match.offer_id == offer_id
        )
    )


def list_for_questions(
    session: Session, question_ids: Sequence[uuid.UUID]
) -> list[Match]:
    if not question_ids:
        return []
    return list(
        session.scalars(
            select(Match)
            .where(Match.question_id.in_(list(question_ids)))
            .options(joinedload(Match.question), joinedload(Match.offer))
            .order_by(Match.created_at, Match.id)
        )
    )


def list_page(
    session: Session,
    *,
    municipality_id: uuid.UUID | None = None,
    institution_id: uuid.UUID | None = None,
    statuses: Sequence[str],
    question_id: uuid.UUID | None,
    limit: int,
    offset: int,
) -> tuple[list[Match], int]:
    """A page of matches of one city (a broker) or of one institution's offers (a
    provider), newest first."""
    stmt = select(Match)
    if municipality_id is not None:
        stmt = stmt.where(Match.municipality_id == municipality_id)
    if institution_id is not None:
        stmt = stmt.where(
            Match.offer_id.in_(
                select(Offer.id).where(Offer.institution_id == institution_id)
            )
        )
    if statuses:
        stmt = stmt.where(Match.status.in_(list(statuses)))
    if question_id is not None:
        stmt = stmt.where(Match.question_id == question_id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.options(joinedload(Match.question), joinedload(Match.offer))
        .order_by(Match.created_at.desc(), Match.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


def list_unanswered(session: Session, *, before: date) -> list[Match]:
    """Proposals whose answer date lies before `before` (the day that has come)."""
    return list(
        session.scalars(
            select(Match)
            .where(
                Match.status == MatchStatus.PROPOSED,
                Match.respond_before.is_not(None),
                Match.respond_before < before,
            )
            .options(joinedload(Match.question), joinedload(Match.offer))
            .order_by(Match.respond_before, Match.id)
        )
    )


def count_by_status(session: Session, question_id: uuid.UUID) -> dict[str, int]:
    rows = session.execute(
        select(Match.status, func.count())
        .where(Match.question_id == question_id)
        .group_by(Match.status)
    )
    return {row[0]: row[1] for row in rows}


def move(
    session: Session,
    match_id: uuid.UUID,
    *,
    from_statuses: Sequence[str],
    to: str,
    at: datetime,
    **values: object,
) -> bool:
    """Compare-and-set the status in one UPDATE; False if another step came first."""
    result = session.execute(
        update(Match)
        .where(Match.id == match_id, Match.status.in_(list(from_statuses)))
        .values(status=to, updated_at=at, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def list_in_city(
    session: Session, municipality_id: uuid.UUID, statuses: Sequence[str]
) -> list[Match]:
    """The city's matches in these statuses, oldest first, with question and offer."""
    return list(
        session.scalars(
            select(Match)
            .where(
                Match.municipality_id == municipality_id,
                Match.status.in_(list(statuses)),
            )
            .options(joinedload(Match.question), joinedload(Match.offer))
            .order_by(Match.created_at, Match.id)
        )
    )


def set_edition(session: Session, match_id: uuid.UUID, edition: int) -> None:
    """Record which edition of its offer the match holds a place of."""
    session.execute(
        update(Match)
        .where(Match.id == match_id)
        .values(edition=edition)
        .execution_options(synchronize_session=False)
    )


def list_for_offer(
    session: Session, offer_id: uuid.UUID, statuses: Sequence[str]
) -> list[Match]:
    """The offer's matches in these states, with their questions, oldest first."""
    return list(
        session.scalars(
            select(Match)
            .where(Match.offer_id == offer_id, Match.status.in_(list(statuses)))
            .options(joinedload(Match.question))
            .order_by(Match.created_at, Match.id)
        )
    )
