"""The report's KPIs as charts: which figure is drawn how, with Dutch titles."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal, get_args

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


_CHARTS: dict[str, tuple[str, Callable[[SummaryRead, str, str], str]]] = {
    "status": (
        "Vragen per status",
        lambda s, t, i: hbar_chart(_pairs(s.questions_by_status), title=t, chart_id=i),
    ),
    "themes": (
        "Vragen per thema",
        lambda s, t, i: hbar_chart(_pairs(s.questions_by_theme), title=t, chart_id=i),
    ),
    "neighbourhoods": (
        "Vragen per wijk",
        lambda s, t, i: hbar_chart(
            _pairs(s.questions_by_neighbourhood), title=t, chart_id=i
        ),
    ),
    "months": (
        "Ingediende vragen per maand",
        lambda s, t, i: line_chart(_pairs(s.questions_by_month), title=t, chart_id=i),
    ),
    "institutions": (
        "Koppelingen per instelling",
        lambda s, t, i: hbar_chart(
            _pairs(s.matches_by_institution), title=t, chart_id=i
        ),
    ),
    "levels": (
        "Koppelingen per niveau",
        lambda s, t, i: bar_chart(_pairs(s.matches_by_level), title=t, chart_id=i),
    ),
    "kinds": (
        "Koppelingen per soort aanbod",
        lambda s, t, i: hbar_chart(_pairs(s.matches_by_kind), title=t, chart_id=i),
    ),
    "capacity-institutions": (
        "Capaciteit per instelling: aangeboden en gebruikt",
        lambda s, t, i: paired_hbar_chart(
            _capacity(s.capacity_by_institution), title=t, chart_id=i
        ),
    ),
    "capacity-semesters": (
        "Capaciteit per semester: aangeboden en gebruikt",
        lambda s, t, i: paired_hbar_chart(
            _capacity(s.capacity_by_semester), title=t, chart_id=i
        ),
    ),
}
CHART_NAMES: tuple[ChartName, ...] = get_args(ChartName)


def chart_title(name: ChartName) -> str:
    return _CHARTS[name][0]


def summary_chart(summary: SummaryRead, name: ChartName) -> str:
    """The SVG of one KPI of a summary; ids are prefixed `kb-<name>`."""
    title, draw = _CHARTS[name]
    return draw(summary, title, f"kb-{name}")
