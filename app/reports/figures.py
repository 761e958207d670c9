"""The report's KPIs as charts: which figure is drawn how, with Dutch titles."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, Protocol, get_args

from app.reports.charts import bar_chart, hbar_chart, line_chart, paired_hbar_chart
from app.reports.schemas import CapacityRow, CountRow, SummaryRead

ChartName = Literal[
    "status", "themes", "neighbourhoods", "months", "institutions", "levels", "kinds",
    "capacity-institutions", "capacity-semesters",
]  # fmt: skip


def _pairs(rows: Sequence[CountRow]) -> list[tuple[str, float]]:
    return [(r.label, float(r.count)) for r in rows]


def _capacity(rows: Sequence[CapacityRow]) -> list[tuple[str, float, float]]:
    return [(r.label, float(r.offered), float(r.used)) for r in rows]


Draw = Callable[[SummaryRead, str, str], str]


class CountChart(Protocol):
    def __call__(
        self, items: Sequence[tuple[str, float]], *, title: str, chart_id: str | None
    ) -> str: ...


def _counts(
    chart: CountChart, rows: Callable[[SummaryRead], Sequence[CountRow]]
) -> Draw:
    """A count chart of one list of the summary."""
    return lambda s, title, chart_id: chart(
        _pairs(rows(s)), title=title, chart_id=chart_id
    )


def _offered_used(rows: Callable[[SummaryRead], Sequence[CapacityRow]]) -> Draw:
    """Offered against used capacity, per row of one list of the summary."""
    return lambda s, title, chart_id: paired_hbar_chart(
        _capacity(rows(s)), title=title, chart_id=chart_id
    )


_CHARTS: dict[str, tuple[str, Draw]] = {
    "status": (
        "Vragen per status",
        _counts(hbar_chart, lambda s: s.questions_by_status),
    ),
    "themes": ("Vragen per thema", _counts(hbar_chart, lambda s: s.questions_by_theme)),
    "neighbourhoods": (
        "Vragen per wijk",
        _counts(hbar_chart, lambda s: s.questions_by_neighbourhood),
    ),
    "months": (
        "Ingediende vragen per maand",
        _counts(line_chart, lambda s: s.questions_by_month),
    ),
    "institutions": (
        "Koppelingen per instelling",
        _counts(hbar_chart, lambda s: s.matches_by_institution),
    ),
    "levels": (
        "Koppelingen per niveau",
        _counts(bar_chart, lambda s: s.matches_by_level),
    ),
    "kinds": (
        "Koppelingen per soort aanbod",
        _counts(hbar_chart, lambda s: s.matches_by_kind),
    ),
    "capacity-institutions": (
        "Capaciteit per instelling: aangeboden en gebruikt",
        _offered_used(lambda s: s.capacity_by_institution),
    ),
    "capacity-semesters": (
        "Capaciteit per semester: aangeboden en gebruikt",
        _offered_used(lambda s: s.capacity_by_semester),
    ),
}
CHART_NAMES: tuple[ChartName, ...] = get_args(ChartName)


def chart_title(name: ChartName) -> str:
    return _CHARTS[name][0]


def summary_chart(summary: SummaryRead, name: ChartName) -> str:
    """The SVG of one KPI of a summary; ids are prefixed `kb-<name>`."""
    title, draw = _CHARTS[name]
    return draw(summary, title, f"kb-{name}")
