"""Dutch words the pages add to the domain's own labels (app.codes): score
components, audit actions, badges, dates and percentages."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.ranking.adapters import dutch_day

# Score components of the matching engine, in the words a broker uses.
COMPONENT = {
    "dense": "Inhoud (taalmodel)",
    "concept": "Gedeelde begrippen",
    "lexical": "Zelfde woorden",
    "expertise": "Vakgebied of methode",
    "theme": "Thema",
    "place": "Wijk",
    "locality": "Aanbieder in de buurt",
    "window": "Periode",
}
# Badge colour per status (classes of the NL Design System status badge).
_BADGE = {
    "draft": "neutral",
    "submitted": "warning",
    "open": "active",
    "matched": "success",
    "in_progress": "active",
    "completed": "success",
    "withdrawn": "inactive",
    "not_matched": "danger",
    "proposed": "warning",
    "confirmed": "success",
    "rejected": "danger",
    "declined": "danger",
    "expired": "inactive",
    "cancelled": "inactive",
    "active": "success",
    "paused": "warning",
    "archived": "inactive",
}
EVENT_ACTION = {
    "created": "aangemaakt",
    "updated": "gewijzigd",
    "status_changed": "status gewijzigd",
    "proposed": "voorgesteld",
    "split": "gesplitst in deelvragen",
}
ENTITY = {"question": "Vraag", "match": "Koppeling", "offer": "Aanbod"}
_AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def label(mapping: dict[str, str], code: str | None) -> str:
    """The Dutch label, or the code itself when there is none (never an error)."""
    if code is None:
        return ""
    return mapping.get(code, code)


def badge(status: str | None) -> str:
    return _BADGE.get(status or "", "neutral")


def date_nl(value: date | datetime | None) -> str:
    """15 januari 2027; datetimes are shown in Dutch time with hours and minutes."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        local = value.astimezone(_AMSTERDAM) if value.tzinfo else value
        return f"{dutch_day(local)} {local.year}, {local:%H:%M}"
    return f"{dutch_day(value)} {value.year}"


def percent(score: float | None) -> int:
    """A score in [0, 1] as a whole percentage, clamped."""
    if score is None:
        return 0
    return max(0, min(100, round(score * 100)))


# Fields of the match step forms (complete, reject, cancel), for Dutch errors.
COMPLETE_LABELS = {
    "outcome_summary": "Resultaat",
    "result_url": "Link naar het resultaat",
    "rating": "Waardering",
    "remarks": "Opmerkingen",
    "reason": "Reden",
}
