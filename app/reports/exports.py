"""Report downloads: one row per match, and the summary as section/key/value rows.

Column heads and code values (status, level, kind) are the Dutch labels people read
on the pages; the JSON API keeps the codes.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from app.codes import Level, MatchStatus, OfferKind, label
from app.csvexport import Cell, Separator, to_csv
from app.models import User
from app.reports import repository, service
from app.reports.schemas import CapacityRow, CountRow, SummaryRead

MATCHES_HEADER = (
    "Koppeling (id)",
    "Vraag",
    "Status",
    "Aanbod",
    "Instelling",
    "Niveau",
    "Soort aanbod",
    "Score",
    "Bevestigd op",
    "Afgerond op",
    "Resultaat",
    "Beoordeling",
    "Reden van afwijzing of annulering",
)
SUMMARY_HEADER = ("Sectie", "Sleutel", "Omschrijving", "Waarde")


def matches_csv(
    session: Session,
    user: User,
    *,
    period_from: date | None = None,
    period_until: date | None = None,
    separator: Separator = "semicolon",
) -> str:
    """Every match of questions in scope, one row each, oldest first; a rejected,
    declined or cancelled match carries the reason given."""
    scope = service.make_scope(user, period_from, period_until)
    rows: list[tuple[Cell, ...]] = [
        (
            str(m.id),
            q.title,
            label(MatchStatus, m.status),
            o.title,
            o.institution.name,
            label(Level, o.level),
            label(OfferKind, o.kind),
            round(m.score, 4) if m.score is not None else None,
            m.confirmed_at.astimezone(service.REPORT_TZ).date()
            if m.confirmed_at
            else None,
            m.completed_at.astimezone(service.REPORT_TZ).date()
            if m.completed_at
            else None,
            m.outcome_summary,
            m.rating,
            m.reason,
        )
        for m, q, o in repository.matches_for_export(session, scope)
    ]
    return to_csv(MATCHES_HEADER, rows, separator=separator)


def _counts(section: str, rows: list[CountRow]) -> list[tuple[Cell, ...]]:
    return [(section, r.key, r.label, r.count) for r in rows]


def _capacity(section: str, rows: list[CapacityRow]) -> list[tuple[Cell, ...]]:
    out: list[tuple[Cell, ...]] = []
    for r in rows:
        out.append((f"{section}.offered", r.key, f"{r.label}: aangeboden", r.offered))
        out.append((f"{section}.used", r.key, f"{r.label}: gebruikt", r.used))
    return out


def summary_rows(s: SummaryRead) -> list[tuple[Cell, ...]]:
    """The summary flattened for a spreadsheet; sections are the JSON field names."""
    rows: list[tuple[Cell, ...]] = [
        ("period", "from", "vanaf", s.period_from),
        ("period", "until", "tot en met", s.period_until),
        ("questions_total", "", "vragen in totaal", s.questions_total),
    ]
    rows += _counts("questions_by_status", s.questions_by_status)
    rows += _counts("questions_by_theme", s.questions_by_theme)
    rows += _counts("questions_by_neighbourhood", s.questions_by_neighbourhood)
    rows += _counts("questions_by_month", s.questions_by_month)
    rows.append(("matches_total", "", "matches met plek", s.matches_total))
    rows += _counts("matches_by_institution", s.matches_by_institution)
    rows += _counts("matches_by_level", s.matches_by_level)
    rows += _counts("matches_by_kind", s.matches_by_kind)
    share = s.matched_share
    rows += [
        ("matched_share", "matched", "vragen met match", share.matched),
        ("matched_share", "eligible", "vragen ingediend of verder", share.eligible),
        ("matched_share", "share", "aandeel gematcht (0-1)", share.share),
        (
            "days_to_first_match",
            "median_days",
            "mediaan dagen tot eerste match",
            s.days_to_first_match.median_days,
        ),
        ("days_to_first_match", "count", "aantal vragen", s.days_to_first_match.count),
    ]
    rows += _capacity("capacity_by_institution", s.capacity_by_institution)
    rows += _capacity("capacity_by_semester", s.capacity_by_semester)
    rows += [
        (
            "feedback",
            "average_rating",
            "gemiddelde beoordeling (1-5)",
            s.feedback.average_rating,
        ),
        ("feedback", "count", "aantal beoordelingen", s.feedback.count),
        ("lineage", "split_questions", "gesplitste vragen", s.lineage.split_questions),
        ("lineage", "sub_questions", "deelvragen", s.lineage.sub_questions),
        ("lineage", "follow_ups", "vervolgvragen", s.lineage.follow_ups),
    ]
    rows += [
        ("lineage_lines", line.root_id, line.title, line.questions)
        for line in s.lineage.lines
    ]
    return rows


def summary_csv(summary: SummaryRead, *, separator: Separator = "semicolon") -> str:
    return to_csv(SUMMARY_HEADER, summary_rows(summary), separator=separator)
