"""Aggregate queries for reports: GROUP BY in SQL, nothing dialect-specific.

Month and semester buckets are made in Python from the raw dates (SQLite and
PostgreSQL spell date truncation differently); everything else is grouped here.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.codes import HOLDING_STATUSES, OfferStatus
from app.models import (
    Institution,
    Match,
    Neighbourhood,
    Offer,
    Question,
    Theme,
)
from app.models.question import question_themes
from app.offers import repository as offer_repository
from app.questions.repository import is_split


@dataclass(frozen=True, slots=True)
class Scope:
    """One municipality (None: every one, for the network report); questions
    submitted in [start, end) when those are given."""

    municipality_id: uuid.UUID | None
    start: datetime | None = None
    end: datetime | None = None
    # The period as dates, for offer windows (capacity).
    period_from: date | None = None
    period_until: date | None = None


def _question_conditions(s: Scope) -> list[ColumnElement[bool]]:
    conditions = []
    if s.municipality_id is not None:
        conditions.append(Question.municipality_id == s.municipality_id)
    if s.start is not None:
        conditions.append(Question.submitted_at >= s.start)
    if s.end is not None:
        conditions.append(Question.submitted_at < s.end)
    return conditions


def _question_ids(s: Scope) -> Select[uuid.UUID]:
    return select(Question.id).where(*_question_conditions(s))


def count_by_status(session: Session, s: Scope) -> dict[str, int]:
    return status_counts_per_city(session, s).get(s.municipality_id, {})


def status_counts_per_city(
    session: Session, s: Scope
) -> dict[uuid.UUID | None, dict[str, int]]:
    """Questions per status, per municipality (one query for every city)."""
    stmt = (
        select(Question.municipality_id, Question.status, func.count())
        .where(*_question_conditions(s))
        .group_by(Question.municipality_id, Question.status)
    )
    out: dict[uuid.UUID | None, dict[str, int]] = defaultdict(dict)
    for city, status, n in session.execute(stmt):
        out[city][status] = n
    return out


def count_by_theme(session: Session, s: Scope) -> dict[str, int]:
    stmt = (
        select(Theme.slug, func.count())
        .join(question_themes, question_themes.c.theme_id == Theme.id)
        .where(question_themes.c.question_id.in_(_question_ids(s)))
        .group_by(Theme.slug)
    )
    return dict(session.execute(stmt).all())


def count_by_neighbourhood(session: Session, s: Scope) -> dict[str | None, int]:
    """Counts per neighbourhood slug; None is citywide."""
    stmt = (
        select(Neighbourhood.slug, func.count())
        .select_from(Question)
        .outerjoin(Neighbourhood, Neighbourhood.id == Question.neighbourhood_id)
        .where(*_question_conditions(s))
        .group_by(Neighbourhood.slug)
    )
    return dict(session.execute(stmt).all())


def submission_times(session: Session, s: Scope) -> list[datetime]:
    stmt = select(Question.submitted_at).where(
        *_question_conditions(s), Question.submitted_at.is_not(None)
    )
    return [t for t in session.scalars(stmt) if t is not None]


def count_holding_matches(
    session: Session, s: Scope, column: InstrumentedAttribute[str]
) -> dict[str, int]:
    """Matches holding a place, grouped by an Offer or Institution column."""
    return holding_matches_per_city(session, s, column).get(s.municipality_id, {})


def holding_matches_per_city(
    session: Session, s: Scope, column: InstrumentedAttribute[str]
) -> dict[uuid.UUID | None, dict[str, int]]:
    """`count_holding_matches` per municipality, in one query."""
    stmt = (
        select(Question.municipality_id, column, func.count(Match.id))
        .select_from(Match)
        .join(Question, Question.id == Match.question_id)
        .join(Offer, Offer.id == Match.offer_id)
        .join(Institution, Institution.id == Offer.institution_id)
        .where(Match.status.in_(HOLDING_STATUSES), *_question_conditions(s))
        .group_by(Question.municipality_id, column)
    )
    out: dict[uuid.UUID | None, dict[str, int]] = defaultdict(dict)
    for city, key, n in session.execute(stmt):
        out[city][str(key)] = n
    return out


def count_matched(
    session: Session, s: Scope, excluded_statuses: Sequence[str]
) -> tuple[int, int]:
    """(questions with a holding match, all questions) not in `excluded_statuses`."""
    return matched_per_city(session, s, excluded_statuses).get(
        s.municipality_id, (0, 0)
    )


def matched_per_city(
    session: Session, s: Scope, excluded_statuses: Sequence[str]
) -> dict[uuid.UUID | None, tuple[int, int]]:
    """`count_matched` per municipality, in two queries. A split question counts
    through its parts (they take the matches), not as one more unmatched."""
    eligible = and_(
        *_question_conditions(s),
        Question.status.not_in(excluded_statuses),
        ~is_split(),
    )
    totals = session.execute(
        select(Question.municipality_id, func.count())
        .where(eligible)
        .group_by(Question.municipality_id)
    )
    matched = dict(
        session.execute(
            select(
                Question.municipality_id, func.count(func.distinct(Match.question_id))
            )
            .join(Question, Question.id == Match.question_id)
            .where(eligible, Match.status.in_(HOLDING_STATUSES))
            .group_by(Question.municipality_id)
        ).all()
    )
    return {city: (matched.get(city, 0), total) for city, total in totals}


def first_confirmations(session: Session, s: Scope) -> list[tuple[datetime, datetime]]:
    """(submitted_at, first confirmed_at) per question that ever had a confirmation."""
    return first_confirmations_per_city(session, s).get(s.municipality_id, [])


def first_confirmations_per_city(
    session: Session, s: Scope
) -> dict[uuid.UUID | None, list[tuple[datetime, datetime]]]:
    """`first_confirmations` per municipality, in one query."""
    stmt = (
        select(
            Question.municipality_id,
            Question.submitted_at,
            func.min(Match.confirmed_at),
        )
        .join(Match, Match.question_id == Question.id)
        .where(
            *_question_conditions(s),
            Question.submitted_at.is_not(None),
            Match.confirmed_at.is_not(None),
        )
        .group_by(Question.id, Question.municipality_id, Question.submitted_at)
    )
    out: dict[uuid.UUID | None, list[tuple[datetime, datetime]]] = defaultdict(list)
    for city, submitted, confirmed in session.execute(stmt):
        if submitted and confirmed:
            out[city].append((submitted, confirmed))
    return out


def _offer_conditions(s: Scope) -> list[ColumnElement[bool]]:
    """Offers the city can use: homed there or serving it (`serving` is an IN, so
    a shared offer is one row, never one per served city)."""
    if s.municipality_id is None:
        raise ValueError("offer figures are per municipality")
    conditions = [offer_repository.serving(s.municipality_id)]
    if s.period_from is not None:
        conditions.append(
            or_(Offer.available_until.is_(None), Offer.available_until >= s.period_from)
        )
    if s.period_until is not None:
        conditions.append(
            or_(Offer.available_from.is_(None), Offer.available_from <= s.period_until)
        )
    return conditions


def feedback(session: Session, s: Scope) -> tuple[float | None, int]:
    stmt = select(func.avg(Match.rating), func.count(Match.rating)).where(
        Match.rating.is_not(None), Match.question_id.in_(_question_ids(s))
    )
    average, count = session.execute(stmt).one()
    return (float(average) if average is not None else None), int(count)


def matches_for_export(
    session: Session, s: Scope
) -> list[tuple[Match, Question, Offer]]:
    stmt = (
        select(Match, Question, Offer)
        .join(Question, Question.id == Match.question_id)
        .join(Offer, Offer.id == Match.offer_id)
        .where(*_question_conditions(s))
        .order_by(Match.created_at, Match.id)
    )
    return [(m, q, o) for m, q, o in session.execute(stmt).unique()]


def lineage_rows(
    session: Session, s: Scope
) -> list[tuple[uuid.UUID, str, str, uuid.UUID | None, uuid.UUID | None]]:
    """(id, title, status, parent_id, follows_id) of in-scope questions, oldest first."""
    stmt = (
        select(
            Question.id,
            Question.title,
            Question.status,
            Question.parent_id,
            Question.follows_id,
        )
        .where(*_question_conditions(s))
        .order_by(Question.created_at, Question.id)
    )
    return [tuple(row) for row in session.execute(stmt).all()]  # type: ignore[misc]


def offers_for_capacity(
    session: Session, municipality_id: uuid.UUID | None, *, archived: bool = False
) -> list[Offer]:
    """Offers that serve one city (homed there or shared with it), or every offer
    once, for an admin; archived ones only when asked (a report of a past period
    counts what they offered then)."""
    stmt = select(Offer)
    if not archived:
        stmt = stmt.where(Offer.status != OfferStatus.ARCHIVED)
    if municipality_id is not None:
        stmt = stmt.where(offer_repository.serving(municipality_id))
    return list(session.scalars(stmt.order_by(Offer.id)))


def places_held_by_edition(
    session: Session, offer_ids: list[uuid.UUID]
) -> dict[tuple[uuid.UUID, int], int]:
    """Places held by matches, per offer and edition."""
    return {
        (offer_id, edition): count
        for offer_id, edition, count in session.execute(
            select(Match.offer_id, Match.edition, func.count())
            .where(Match.offer_id.in_(offer_ids), Match.status.in_(HOLDING_STATUSES))
            .group_by(Match.offer_id, Match.edition)
        )
    }
