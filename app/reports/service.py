"""Report use cases: KPIs of the broker's municipality for a steering group.

Definitions (also in the API description):
- Questions are in scope when submitted in the period, judged in Europe/Amsterdam
  time; without a period every question of the municipality (drafts too) counts.
- Matches count when they hold a place (confirmed, in progress or completed) and
  belong to a question in scope.
- Share matched: of the questions in scope that were submitted or later (not draft,
  not withdrawn), the share with at least one confirmed-or-later match.
- Days to first match: per question, first `Match.confirmed_at` (even if that match
  was later cancelled) minus `submitted_at`; the median over those questions.
- Capacity: offers serving the municipality (homed there or shared with it) whose
  window overlaps the period (all offers without one), any status; offered = sum
  of capacity, used = sum of places taken; per semester of `available_from`
  (S1 = August-January, S2 = February-July). Places are shared across the cities
  an offer serves, so each city counts a shared offer in full, with the places
  taken by every city: offered - used is what the city can still use. Adding
  cities' capacity up therefore counts a shared offer once per city.
- Feedback: mean and count of owners' ratings on matches of questions in scope.
"""

from __future__ import annotations

import statistics
import uuid
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from app.codes import Level, OfferKind, QuestionStatus, labels
from app.errors import WindowReversed
from app.models import Institution, Offer, User
from app.questions.errors import NoMunicipality
from app.reports import repository
from app.reports.capacity import editions_in
from app.reports.repository import Scope
from app.reports.schemas import (
    CapacityRow,
    CountRow,
    DaysToMatch,
    Feedback,
    LineageSummary,
    LineRow,
    MatchedShare,
    SummaryRead,
)
from app.vocab import repository as vocab_repository

REPORT_TZ = ZoneInfo("Europe/Amsterdam")
NOT_ELIGIBLE: tuple[str, ...] = (QuestionStatus.DRAFT, QuestionStatus.WITHDRAWN)

CITYWIDE = ("stadsbreed", "Hele stad")


def make_scope(
    user: User, period_from: date | None, period_until: date | None
) -> Scope:
    """The broker's municipality and the period as UTC instants [start, end)."""
    if user.municipality_id is None:
        raise NoMunicipality()
    if period_from and period_until and period_until < period_from:
        raise WindowReversed(start_field="from", end_field="until")

    def _midnight(d: date) -> datetime:
        return datetime.combine(d, time.min, tzinfo=REPORT_TZ)

    return Scope(
        municipality_id=user.municipality_id,
        start=_midnight(period_from) if period_from else None,
        end=_midnight(period_until + timedelta(days=1)) if period_until else None,
        period_from=period_from,
        period_until=period_until,
    )


def _rows(
    counts: Mapping[str, int], labels: Mapping[str, str], *, keep_zeros: bool
) -> list[CountRow]:
    rows = [
        CountRow(key=k, label=labels.get(k, k), count=counts.get(k, 0))
        for k in dict.fromkeys([*labels, *counts])
        if keep_zeros or counts.get(k, 0)
    ]
    return rows


def _ranked(rows: list[CountRow]) -> list[CountRow]:
    return sorted(rows, key=lambda r: (-r.count, r.label))


def month_key(moment: datetime) -> str:
    return moment.astimezone(REPORT_TZ).strftime("%Y-%m")


def months_between(first: str, last: str) -> list[str]:
    """Every "YYYY-MM" from first to last inclusive."""
    year, month = int(first[:4]), int(first[5:])
    keys = []
    while f"{year:04d}-{month:02d}" <= last:
        keys.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return keys


def by_month(times: Iterable[datetime]) -> list[CountRow]:
    """Submissions per calendar month, gaps filled with zero."""
    counts = Counter(month_key(t) for t in times)
    if not counts:
        return []
    keys = months_between(min(counts), max(counts))
    return [CountRow(key=k, label=k, count=counts.get(k, 0)) for k in keys]


def semester(start: date | None) -> str:
    """Academic semester of a start date: "2026-2027 S1" (Aug-Jan) or "... S2"."""
    if start is None:
        return "onbekend"
    year = start.year if start.month >= 8 else start.year - 1
    half = "S1" if start.month >= 8 or start.month == 1 else "S2"
    return f"{year}-{year + 1} {half}"


def _capacity_by_semester(
    rows: Iterable[tuple[date | None, int, int]],
) -> list[CapacityRow]:
    offered: Counter[str] = Counter()
    used: Counter[str] = Counter()
    for start, capacity, taken in rows:
        offered[semester(start)] += capacity
        used[semester(start)] += taken
    return [
        CapacityRow(key=k, label=k, offered=offered[k], used=used[k])
        for k in sorted(offered)
    ]


def median_days(pairs: Iterable[tuple[datetime, datetime]]) -> DaysToMatch:
    days = [
        (confirmed - submitted).total_seconds() / 86_400
        for submitted, confirmed in pairs
    ]
    if not days:
        return DaysToMatch(median_days=None, count=0)
    return DaysToMatch(median_days=round(statistics.median(days), 1), count=len(days))


def lineage_summary(
    rows: Iterable[tuple[uuid.UUID, str, str, uuid.UUID | None, uuid.UUID | None]],
) -> LineageSummary:
    """Split questions, their parts and follow-ups, and each story as one line."""
    rows = list(rows)
    link = {qid: parent or follows for qid, _, _, parent, follows in rows}
    known = set(link)

    def root(qid: uuid.UUID) -> uuid.UUID:
        seen = {qid}
        while (up := link.get(qid)) is not None and up in known and up not in seen:
            seen.add(up)
            qid = up
        return qid

    members: dict[uuid.UUID, list[str]] = {}
    for qid, _, status, _, _ in rows:
        members.setdefault(root(qid), []).append(status)
    titles = {qid: title for qid, title, _, _, _ in rows}
    return LineageSummary(
        split_questions=len({p for _, _, _, p, _ in rows if p is not None}),
        sub_questions=sum(1 for _, _, _, p, _ in rows if p is not None),
        follow_ups=sum(1 for _, _, _, _, f in rows if f is not None),
        lines=[
            LineRow(
                root_id=str(r),
                title=titles[r],
                questions=len(statuses),
                statuses=statuses,
            )
            for r, statuses in members.items()
            if len(statuses) > 1
        ],
    )


_K = TypeVar("_K")


def _capacity_totals(
    session: Session, s: Scope
) -> tuple[dict[str, tuple[int, int]], dict[date | None, tuple[int, int]]]:
    """(offered, used) places per institution and per window start, counted per
    edition as the capacity view counts them: a yearly offer that came round to a
    new year keeps its earlier year's places in a report of that year."""
    by_provider: dict[str, tuple[int, int]] = {}
    by_start: dict[date | None, tuple[int, int]] = {}
    editions = editions_in(
        session, s.municipality_id, s.period_from, s.period_until, archived=True
    )
    for offer, window in editions:
        _add(by_provider, offer.institution.name, offer.capacity, window.taken)
        _add(by_start, window.start, offer.capacity, window.taken)
    return by_provider, by_start


def _add(table: dict[_K, tuple[int, int]], key: _K, offered: int, used: int) -> None:
    before = table.get(key, (0, 0))
    table[key] = (before[0] + offered, before[1] + used)


def summary(
    session: Session,
    user: User,
    *,
    period_from: date | None = None,
    period_until: date | None = None,
) -> SummaryRead:
    """Compute the KPIs of the broker's municipality over the period."""
    s = make_scope(user, period_from, period_until)
    themes = {t.slug: t.label_nl for t in vocab_repository.list_themes(session)}
    hoods = {
        h.slug: h.name
        for h in vocab_repository.list_neighbourhoods(session, s.municipality_id)
    }
    hood_counts = repository.count_by_neighbourhood(session, s)
    citywide = hood_counts.pop(None, 0)
    by_hood = _ranked(
        _rows({k: v for k, v in hood_counts.items() if k}, hoods, keep_zeros=True)
    )
    by_hood.append(CountRow(key=CITYWIDE[0], label=CITYWIDE[1], count=citywide))
    status_counts = repository.count_by_status(session, s)
    by_institution = _ranked(
        _rows(
            repository.count_holding_matches(session, s, Institution.name),
            {},
            keep_zeros=False,
        )
    )
    level_labels = {str(lv): str(lv) for lv in Level}  # the codes are the words
    matched, eligible = repository.count_matched(session, s, NOT_ELIGIBLE)
    average, rated = repository.feedback(session, s)
    by_provider, by_start = _capacity_totals(session, s)
    return SummaryRead(
        municipality=user.municipality.slug if user.municipality else "",
        period_from=period_from,
        period_until=period_until,
        questions_total=sum(status_counts.values()),
        questions_by_status=_rows(
            status_counts,
            labels(QuestionStatus),
            keep_zeros=True,
        ),
        questions_by_theme=_ranked(
            _rows(repository.count_by_theme(session, s), themes, keep_zeros=True)
        ),
        questions_by_neighbourhood=by_hood,
        questions_by_month=by_month(repository.submission_times(session, s)),
        matches_total=sum(r.count for r in by_institution),
        matches_by_institution=by_institution,
        matches_by_level=_rows(
            repository.count_holding_matches(session, s, Offer.level),
            level_labels,
            keep_zeros=True,
        ),
        matches_by_kind=_rows(
            repository.count_holding_matches(session, s, Offer.kind),
            labels(OfferKind),
            keep_zeros=True,
        ),
        matched_share=MatchedShare(
            matched=matched,
            eligible=eligible,
            share=round(matched / eligible, 4) if eligible else None,
        ),
        days_to_first_match=median_days(repository.first_confirmations(session, s)),
        capacity_by_institution=[
            CapacityRow(key=name, label=name, offered=c, used=t)
            for name, (c, t) in sorted(
                by_provider.items(), key=lambda row: row[0].casefold()
            )
        ],
        capacity_by_semester=_capacity_by_semester(
            [(start, c, t) for start, (c, t) in by_start.items()]
        ),
        feedback=Feedback(
            average_rating=round(average, 2) if average is not None else None,
            count=rated,
        ),
        lineage=lineage_summary(repository.lineage_rows(session, s)),
    )
