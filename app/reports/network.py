"""The network report: every city's figures side by side, for the programme office.

The same definitions as the city summary (`app.reports.service`), over all time.
Only counts leave this module: no names, addresses or question texts.
"""

from __future__ import annotations

import statistics
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

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


@dataclass(frozen=True, slots=True)
class _Network:
    """Each figure for every city at once: a few grouped queries, not six per city."""

    statuses: Mapping[uuid.UUID | None, Mapping[str, int]]
    matched: Mapping[uuid.UUID | None, tuple[int, int]]
    by_level: Mapping[uuid.UUID | None, Mapping[str, int]]
    by_institution: Mapping[uuid.UUID | None, Mapping[str, int]]
    pairs: Mapping[uuid.UUID | None, list[tuple[datetime, datetime]]]

    @classmethod
    def load(cls, session: Session) -> _Network:
        every = Scope(municipality_id=None)
        return cls(
            statuses=repository.status_counts_per_city(session, every),
            matched=repository.matched_per_city(session, every, NOT_ELIGIBLE),
            by_level=repository.holding_matches_per_city(session, every, Offer.level),
            by_institution=repository.holding_matches_per_city(
                session, every, Institution.name
            ),
            pairs=repository.first_confirmations_per_city(session, every),
        )


def _city(network: _Network, city: Municipality) -> tuple[CityFigures, list[float]]:
    statuses = network.statuses.get(city.id, {})
    matched, eligible = network.matched.get(city.id, (0, 0))
    completed = statuses.get(QuestionStatus.COMPLETED, 0)
    by_level = network.by_level.get(city.id, {})
    pairs = network.pairs.get(city.id, [])
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
        matches_by_institution=_institutions(network.by_institution.get(city.id, {})),
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
    network = _Network.load(session)
    rows = [_city(network, c) for c in vocab_repository.list_municipalities(session)]
    return NetworkRead(cities=[f for f, _ in rows], totals=_totals(rows))
