"""The network report: every city's figures side by side, for the programme office.

The same definitions as the city summary (`app.reports.service`), over all time.
Only counts leave this module: no names, addresses or question texts.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping

from sqlalchemy.orm import Session

from app.codes import Level, QuestionStatus
from app.models import Institution, Municipality, Offer
from app.reports import repository
from app.reports.repository import Scope
from app.reports.schemas import (
    CityFigures,
    CountRow,
    DaysToMatch,
    MatchedShare,
    NetworkRead,
)
from app.reports.service import NOT_ELIGIBLE, median_days
from app.vocab import repository as vocab_repository


def _levels(counts: Mapping[str, int]) -> list[CountRow]:
    return [CountRow(key=lv, label=lv, count=counts.get(lv, 0)) for lv in Level]


def _institutions(counts: Mapping[str, int]) -> list[CountRow]:
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold()))
    return [CountRow(key=k, label=k, count=n) for k, n in ranked if n]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _city(session: Session, city: Municipality) -> tuple[CityFigures, list[float]]:
    s = Scope(municipality_id=city.id)
    statuses = repository.count_by_status(session, s)
    matched, eligible = repository.count_matched(session, s, NOT_ELIGIBLE)
    completed = statuses.get(QuestionStatus.COMPLETED, 0)
    by_level = repository.count_holding_matches(session, s, Offer.level)
    by_institution = repository.count_holding_matches(session, s, Institution.name)
    pairs = repository.first_confirmations(session, s)
    figures = CityFigures(
        municipality=city.slug,
        name=city.name,
        questions_total=sum(statuses.values()),
        questions_completed=completed,
        matches_total=sum(by_level.values()),
        matched_share=MatchedShare(
            matched=matched, eligible=eligible, share=_share(matched, eligible)
        ),
        completion_share=_share(completed, eligible),
        days_to_first_match=median_days(pairs),
        matches_by_level=_levels(by_level),
        matches_by_institution=_institutions(by_institution),
    )
    days = [(b - a).total_seconds() / 86_400 for a, b in pairs]
    return figures, days


def _totals(cities: Iterable[tuple[CityFigures, list[float]]]) -> CityFigures:
    rows = list(cities)
    levels: Counter[str] = Counter()
    institutions: Counter[str] = Counter()
    for figures, _ in rows:
        levels.update({r.key: r.count for r in figures.matches_by_level})
        institutions.update({r.key: r.count for r in figures.matches_by_institution})
    matched = sum(f.matched_share.matched for f, _ in rows)
    eligible = sum(f.matched_share.eligible for f, _ in rows)
    completed = sum(f.questions_completed for f, _ in rows)
    return CityFigures(
        municipality="",
        name="Totaal",
        questions_total=sum(f.questions_total for f, _ in rows),
        questions_completed=completed,
        matches_total=sum(f.matches_total for f, _ in rows),
        matched_share=MatchedShare(
            matched=matched, eligible=eligible, share=_share(matched, eligible)
        ),
        completion_share=_share(completed, eligible),
        days_to_first_match=_median_of(d for _, days in rows for d in days),
        matches_by_level=_levels(levels),
        matches_by_institution=_institutions(institutions),
    )


def _median_of(days: Iterable[float]) -> DaysToMatch:
    values = list(days)
    if not values:
        return DaysToMatch(median_days=None, count=0)
    return DaysToMatch(
        median_days=round(statistics.median(values), 1), count=len(values)
    )


def network_report(session: Session) -> NetworkRead:
    """Every city's questions, matches, completion, time to match, levels and
    institutions, and the network's totals."""
    rows = [_city(session, c) for c in vocab_repository.list_municipalities(session)]
    return NetworkRead(cities=[f for f, _ in rows], totals=_totals(rows))
