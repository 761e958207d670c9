"""Accessible server-side SVG charts: no scripts, no external resources.

Every chart is `role="img"` with an `aria-label`, a `<title>` and a `<desc>` that
lists every value in words, so a screen reader gets the figures even without the
table the page shows next to it. Every bar carries its own `<title>` (a tooltip).
All text is escaped, and there is no `style` attribute (the pages' CSP forbids
inline styles; size them with the `kb-chart` class). Colours follow the
Rijkshuisstijl / NL Design System blues, with at least 4.5:1 contrast on white.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from html import escape

PRIMARY = "#154273"
SECONDARY = "#01689b"
TEXT = "#1a1a1a"
MUTED = "#535353"
GRID = "#d9d9d9"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
LABEL_CHARS = 30


def _esc(text: object) -> str:
    return escape(str(text), quote=True)


def fmt_number(value: float) -> str:
    """Dutch notation: 12, 3,5."""
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.1f}".replace(".", ",")


def _short(label: str, limit: int = LABEL_CHARS) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _chart_id(title: str, chart_id: str | None) -> str:
    if chart_id:
        return "".join(c if c.isalnum() or c in "-_" else "-" for c in chart_id)
    return "chart-" + hashlib.sha1(title.encode()).hexdigest()[:10]


def _describe(desc: str | None, parts: Sequence[str]) -> str:
    listing = "; ".join(parts) if parts else "geen gegevens"
    return f"{desc} {listing}." if desc else f"{listing}."


def _open(cid: str, title: str, desc: str, width: int, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{_esc(title)}" '
        f'aria-describedby="{cid}-desc" class="kb-chart" '
        f'font-family="{_esc(FONT)}" font-size="12" fill="{TEXT}">',
        f'<title id="{cid}-title">{_esc(title)}</title>',
        f'<desc id="{cid}-desc">{_esc(desc)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]


def _open_values(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    desc: str | None,
    chart_id: str | None,
    size: tuple[int, int],
) -> list[str]:
    """`_open` for a chart of (label, value) items, described value by value."""
    described = [f"{lbl}: {fmt_number(v)}" for lbl, v in items]
    return _open(_chart_id(title, chart_id), title, _describe(desc, described), *size)


def _empty(parts: list[str], width: int, height: int) -> str:
    parts.append(
        f'<text x="{width / 2:.0f}" y="{height / 2:.0f}" text-anchor="middle" '
        f'fill="{MUTED}">Geen gegevens</text></svg>'
    )
    return "".join(parts)


def nice_ticks(maximum: float, count: int = 4) -> list[float]:
    """Round axis ticks from 0 up to at least `maximum` (steps of 1, 2 or 5 x 10^k)."""
    if maximum <= 0:
        return [0.0, 1.0]
    raw = maximum / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    step = max(step, 1.0) if maximum >= 1 else step
    return [round(i * step, 10) for i in range(math.ceil(maximum / step) + 1)]


def hbar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    desc: str | None = None,
    chart_id: str | None = None,
    width: int = 640,
) -> str:
    """Horizontal bars, one per (label, value), labels left and values right."""
    row, top, label_w, value_w = 26, 10, 230, 50
    height = max(top * 2 + row * len(items), 60)
    parts = _open_values(
        items, title=title, desc=desc, chart_id=chart_id, size=(width, height)
    )
    if not items:
        return _empty(parts, width, height)
    scale = (width - label_w - value_w) / max(max(v for _, v in items), 1)
    for i, (label, value) in enumerate(items):
        y = top + i * row
        bar = max(value * scale, 0)
        parts.append(
            f"<g><title>{_esc(label)}: {_esc(fmt_number(value))}</title>"
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">'
            f"{_esc(_short(label))}</text>"
            f'<rect x="{label_w}" y="{y + 4}" width="{bar:.1f}" height="{row - 8}" '
            f'fill="{PRIMARY}"/>'
            f'<text x="{label_w + bar + 6:.1f}" y="{y + 17}">'
            f"{_esc(fmt_number(value))}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def paired_hbar_chart(
    items: Sequence[tuple[str, float, float]],
    *,
    title: str,
    series: tuple[str, str] = ("aangeboden", "gebruikt"),
    desc: str | None = None,
    chart_id: str | None = None,
    width: int = 640,
) -> str:
    """Two horizontal bars per label (e.g. capacity offered vs used), with a legend."""
    row, top, label_w, value_w = 40, 34, 230, 50
    height = max(top + row * len(items) + 10, 80)
    described = [
        f"{lbl}: {series[0]} {fmt_number(a)}, {series[1]} {fmt_number(b)}"
        for lbl, a, b in items
    ]
    parts = _open(
        _chart_id(title, chart_id), title, _describe(desc, described), width, height
    )
    for j, (name, colour) in enumerate(zip(series, (PRIMARY, SECONDARY), strict=True)):
        x = label_w + j * 130
        parts.append(
            f'<rect x="{x}" y="8" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 18}" y="18">{_esc(name)}</text>'
        )
    if not items:
        return _empty(parts, width, height)
    peak = max(max(a, b) for _, a, b in items)
    scale = (width - label_w - value_w) / max(peak, 1)
    for i, (label, first, second) in enumerate(items):
        y = top + i * row
        parts.append(
            f'<g><text x="{label_w - 8}" y="{y + 21}" text-anchor="end">'
            f"{_esc(_short(label))}</text>"
        )
        for k, (value, colour) in enumerate(((first, PRIMARY), (second, SECONDARY))):
            bar, by = max(value * scale, 0), y + 4 + k * 16
            parts.append(
                f"<g><title>{_esc(label)}: {_esc(series[k])} "
                f"{_esc(fmt_number(value))}</title>"
                f'<rect x="{label_w}" y="{by}" width="{bar:.1f}" height="14" '
                f'fill="{colour}"/>'
                f'<text x="{label_w + bar + 6:.1f}" y="{by + 11}" font-size="11">'
                f"{_esc(fmt_number(value))}</text></g>"
            )
        parts.append("</g>")
    parts.append("</svg>")
    return "".join(parts)


def _axes(
    parts: list[str], ticks: list[float], left: int, right: int, y0: int, h: int
) -> None:
    for t in ticks:
        y = y0 - t / ticks[-1] * h
        parts.append(
            f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="{GRID}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'fill="{MUTED}">{_esc(fmt_number(t))}</text>'
        )


def bar_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    desc: str | None = None,
    chart_id: str | None = None,
    width: int = 640,
    height: int = 280,
) -> str:
    """Vertical bars with a value axis; for few, short labels (levels, months)."""
    parts = _open_values(
        items, title=title, desc=desc, chart_id=chart_id, size=(width, height)
    )
    if not items:
        return _empty(parts, width, height)
    left, right, top, bottom = 44, width - 10, 16, height - 40
    ticks = nice_ticks(max(v for _, v in items))
    _axes(parts, ticks, left, right, bottom, bottom - top)
    slot = (right - left) / len(items)
    bar_w = min(slot * 0.7, 60)
    for i, (label, value) in enumerate(items):
        bar_h = max(value, 0) / ticks[-1] * (bottom - top)
        x = left + i * slot + (slot - bar_w) / 2
        parts.append(
            f"<g><title>{_esc(label)}: {_esc(fmt_number(value))}</title>"
            f'<rect x="{x:.1f}" y="{bottom - bar_h:.1f}" width="{bar_w:.1f}" '
            f'height="{bar_h:.1f}" fill="{PRIMARY}"/>'
            f'<text x="{x + bar_w / 2:.1f}" y="{bottom + 16}" text-anchor="middle">'
            f"{_esc(_short(label, max(int(slot / 7), 3)))}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart(
    items: Sequence[tuple[str, float]],
    *,
    title: str,
    desc: str | None = None,
    chart_id: str | None = None,
    width: int = 640,
    height: int = 260,
) -> str:
    """A line with a dot per point, e.g. submissions per month."""
    parts = _open_values(
        items, title=title, desc=desc, chart_id=chart_id, size=(width, height)
    )
    if not items:
        return _empty(parts, width, height)
    left, right, top, bottom = 44, width - 16, 16, height - 40
    ticks = nice_ticks(max(v for _, v in items))
    _axes(parts, ticks, left, right, bottom, bottom - top)
    step = (right - left) / max(len(items) - 1, 1)
    every = max(1, math.ceil(len(items) / 8))
    points = [
        (left + i * step, bottom - max(v, 0) / ticks[-1] * (bottom - top))
        for i, (_, v) in enumerate(items)
    ]
    parts.append(
        f'<polyline fill="none" stroke="{SECONDARY}" stroke-width="2.5" points="'
        + " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        + '"/>'
    )
    for i, ((label, value), (x, y)) in enumerate(zip(items, points, strict=True)):
        parts.append(
            f"<g><title>{_esc(label)}: {_esc(fmt_number(value))}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{PRIMARY}"/></g>'
        )
        if (len(items) - 1 - i) % every == 0:  # the last point always has a label
            anchor = "end" if i == len(items) - 1 and i else "middle"
            parts.append(
                f'<text x="{x:.1f}" y="{bottom + 16}" text-anchor="{anchor}">'
                f"{_esc(label)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)
