"""SVG charts: valid XML, accessible, labelled, escaped; no database needed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from app.reports.charts import (
    bar_chart,
    fmt_number,
    hbar_chart,
    line_chart,
    nice_ticks,
    paired_hbar_chart,
)
from app.reports.figures import CHART_NAMES, chart_title, summary_chart
from app.reports.schemas import (
    CapacityRow,
    CountRow,
    DaysToMatch,
    Feedback,
    LineageSummary,
    MatchedShare,
    SummaryRead,
)

SVG = "{http://www.w3.org/2000/svg}"
ITEMS = [("Gezondheid & welzijn", 3.0), ("Café-cultuur: Zoë", 1.0), ("Veiligheid", 0.0)]
EVIL = '<script>alert("x")</script>'


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter() if el.text]


def draw_all(items, title="Vragen per thema"):
    triples = [(label, value, value / 2) for label, value in items]
    return {
        "hbar": hbar_chart(items, title=title),
        "bar": bar_chart(items, title=title),
        "line": line_chart(items, title=title),
        "paired": paired_hbar_chart(triples, title=title),
    }


@pytest.mark.parametrize("kind", ["hbar", "bar", "line", "paired"])
class TestEveryChart:
    def test_is_valid_accessible_svg(self, kind):
        root = parse(draw_all(ITEMS)[kind])
        assert root.get("role") == "img"
        assert root.get("aria-label") == "Vragen per thema"
        title = root.find(f"{SVG}title")
        desc = root.find(f"{SVG}desc")
        assert title is not None
        assert title.text == "Vragen per thema"
        assert desc is not None
        assert root.get("aria-describedby") == desc.get("id")
        assert "viewBox" in root.attrib

    def test_description_and_tooltips_carry_every_value(self, kind):
        root = parse(draw_all(ITEMS)[kind])
        desc = root.find(f"{SVG}desc").text
        for label, value in ITEMS:
            assert label in desc
            assert fmt_number(value) in desc
        tooltips = [t.text for t in root.iter(f"{SVG}title")][1:]
        assert any("Café-cultuur: Zoë" in t for t in tooltips)

    def test_labels_are_drawn(self, kind):
        svg = draw_all(ITEMS)[kind]
        shown = " ".join(texts(parse(svg)))
        if kind != "line":  # the line chart labels its x axis with the keys
            assert "Gezondheid & welzijn" in shown
        assert "&amp;" in svg  # escaped in the source, restored by the parser

    def test_script_in_labels_and_title_is_escaped(self, kind):
        svg = draw_all([(EVIL, 2.0)], title=EVIL)[kind]
        root = parse(svg)
        assert "<script" not in svg
        assert not list(root.iter(f"{SVG}script"))
        assert not list(root.iter("script"))
        assert root.get("aria-label") == EVIL
        assert any(EVIL in t for t in texts(root))

    def test_empty_data_says_so(self, kind):
        root = parse(draw_all([])[kind])
        assert "Geen gegevens" in texts(root)
        assert "geen gegevens" in root.find(f"{SVG}desc").text

    def test_no_external_resources_or_scripts(self, kind):
        svg = draw_all(ITEMS)[kind]
        for forbidden in (
            "href",
            "<image",
            "<script",
            "url(",
            "@import",
            "onload",
            "style=",
        ):
            assert forbidden not in svg


def test_ids_are_unique_per_chart_so_two_fit_on_one_page():
    a = parse(hbar_chart(ITEMS, title="Een"))
    b = parse(hbar_chart(ITEMS, title="Twee"))
    assert a.find(f"{SVG}desc").get("id") != b.find(f"{SVG}desc").get("id")
    custom = parse(hbar_chart(ITEMS, title="x", chart_id="kb thema's"))
    assert custom.find(f"{SVG}desc").get("id") == "kb-thema-s-desc"


def test_long_labels_are_shortened_but_kept_in_full_in_tooltips():
    label = "Wonen, campus, openbare ruimte en mobiliteit in de hele stad"
    root = parse(hbar_chart([(label, 2.0)], title="t"))
    assert label not in texts(root)
    assert any(t.endswith("…") for t in texts(root))
    assert any(label in (t.text or "") for t in root.iter(f"{SVG}title"))


def test_bars_scale_to_the_largest_value():
    root = parse(hbar_chart([("a", 4.0), ("b", 2.0)], title="t"))
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect")][1:]
    assert widths[0] == pytest.approx(2 * widths[1])


@pytest.mark.parametrize(
    ("maximum", "expected"),
    [(0, [0.0, 1.0]), (3, [0, 1, 2, 3]), (7, [0, 2, 4, 6, 8]), (45, [0, 20, 40, 60])],
)
def test_nice_ticks(maximum, expected):
    assert nice_ticks(maximum) == expected


def test_numbers_use_a_dutch_decimal_comma():
    assert fmt_number(4.0) == "4"
    assert fmt_number(4.25) == "4,2"
    assert fmt_number(0.5) == "0,5"


def test_every_summary_chart_renders():
    rows = [CountRow(key="a", label="Zoë <b>", count=2)]
    cap = [CapacityRow(key="ul", label="Universiteit Leiden", offered=3, used=1)]
    summary = SummaryRead(
        municipality="leiden",
        period_from=None,
        period_until=None,
        questions_total=2,
        questions_by_status=rows,
        questions_by_theme=rows,
        questions_by_neighbourhood=rows,
        questions_by_month=rows,
        matches_total=2,
        matches_by_institution=rows,
        matches_by_level=rows,
        matches_by_kind=rows,
        matched_share=MatchedShare(matched=1, eligible=2, share=0.5),
        days_to_first_match=DaysToMatch(median_days=3.0, count=1),
        capacity_by_institution=cap,
        capacity_by_semester=cap,
        feedback=Feedback(average_rating=None, count=0),
        lineage=LineageSummary(
            split_questions=0, sub_questions=0, follow_ups=0, lines=[]
        ),
    )
    for name in CHART_NAMES:
        root = parse(summary_chart(summary, name))
        assert root.get("aria-label") == chart_title(name)
        assert root.find(f"{SVG}desc").get("id") == f"kb-{name}-desc"
