"""The broker's report page: KPI tiles, charts with their tables, period filter and
CSV downloads (by session cookie, so the page's links work without an API token)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from markupsafe import Markup

from app.csvexport import csv_response
from app.deps import SessionDep
from app.models import User
from app.reports import exports, figures
from app.reports import service as report_service
from app.reports.schemas import CapacityRow, CountRow, SummaryRead
from app.schemas import day_in_range
from app.web.core.page_deps import BrokerPage
from app.web.core.templating import render

router = APIRouter(include_in_schema=False)

DateText = Annotated[str | None, Query(max_length=20)]
FromText = Annotated[str | None, Query(alias="from", max_length=20)]


@dataclass(frozen=True, slots=True)
class Section:
    """One figure: its chart (our own escaped SVG, hence Markup) and its table."""

    name: str
    title: str
    svg: Markup
    counts: list[CountRow]
    capacity: list[CapacityRow]


_COUNTS = {
    "status": "questions_by_status",
    "months": "questions_by_month",
    "themes": "questions_by_theme",
    "neighbourhoods": "questions_by_neighbourhood",
    "institutions": "matches_by_institution",
    "levels": "matches_by_level",
    "kinds": "matches_by_kind",
}
_CAPACITY = {
    "capacity-institutions": "capacity_by_institution",
    "capacity-semesters": "capacity_by_semester",
}


def sections(summary: SummaryRead) -> list[Section]:
    out = []
    for name in figures.CHART_NAMES:
        counts = getattr(summary, _COUNTS[name]) if name in _COUNTS else []
        capacity = getattr(summary, _CAPACITY[name]) if name in _CAPACITY else []
        out.append(
            Section(
                name=name,
                title=figures.chart_title(name),
                svg=Markup(figures.summary_chart(summary, name)),
                counts=counts,
                capacity=capacity,
            )
        )
    return out


def _period(
    raw_from: str | None, raw_until: str | None
) -> tuple[date | None, date | None, str]:
    """Lenient dates: empty is no filter; a bad or reversed period is a message."""
    try:
        start = day_in_range(raw_from) if raw_from else None
        end = day_in_range(raw_until) if raw_until else None
    except ValueError:
        return None, None, "Vul geldige datums in (dag-maand-jaar)."
    if start and end and end < start:
        return (
            None,
            None,
            "De einddatum ligt vóór de begindatum; het filter is genegeerd.",
        )
    return start, end, ""


def city_name(user: User) -> str:
    """The city as it is called ("Den Haag"): its slug capitalised would read
    "Den-haag" or "S-hertogenbosch" on the page."""
    return user.municipality.name if user.municipality else ""


@router.get("/rapportage")
def report_page(
    request: Request,
    session: SessionDep,
    user: BrokerPage,
    period_from: FromText = None,
    until: DateText = None,
) -> Response:
    """KPIs of the broker's city with charts, tables and downloads; printable."""
    start, end, error = _period(period_from, until)
    summary = report_service.summary(session, user, period_from=start, period_until=end)
    params = {
        k: v.isoformat() for k, v in (("from", start), ("until", end)) if v is not None
    }
    return render(
        request,
        "reports/summary.html",
        {
            "summary": summary,
            "city_name": city_name(user),
            "sections": sections(summary),
            "error": error,
            "period_from": start.isoformat() if start else (period_from or ""),
            "period_until": end.isoformat() if end else (until or ""),
            "query": urlencode(params),
        },
    )


@router.get("/rapportage/kpi.csv")
def report_summary_csv(
    session: SessionDep,
    user: BrokerPage,
    period_from: FromText = None,
    until: DateText = None,
) -> Response:
    """The KPIs as CSV for the steering group."""
    start, end, _ = _period(period_from, until)
    summary = report_service.summary(session, user, period_from=start, period_until=end)
    return csv_response(exports.summary_csv(summary), "kennisbrug-kpi.csv")


@router.get("/rapportage/koppelingen.csv")
def report_matches_csv(
    session: SessionDep,
    user: BrokerPage,
    period_from: FromText = None,
    until: DateText = None,
) -> Response:
    """Every match of the city's questions as CSV."""
    start, end, _ = _period(period_from, until)
    text = exports.matches_csv(session, user, period_from=start, period_until=end)
    return csv_response(text, "kennisbrug-koppelingen.csv")
