"""The capacity view: where supply is short in a period, per institution, level, theme.

A yearly offer counts once per edition whose window overlaps the period: earlier
editions with the places their matches held, the stored one with its places taken,
later ones with every place free. An offer with several themes counts in each.

A broker sees the offers serving their city (homed there or shared with it): a
shared offer with its full capacity and the places taken by every city it serves,
since one place is one place whichever city takes it; so free places are what the
city can still use. An admin sees every offer once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from app.codes import Level as LevelCode
from app.codes import OfferStatus, Recurrence, Role, label
from app.errors import WindowReversed
from app.models import Offer, User
from app.offers.editions import edition_window
from app.questions.errors import NoMunicipality
from app.reports import repository

NO_THEME = "zonder thema"


class CapacityGroup(BaseModel):
    institution: str
    level: str
    level_label: str
    theme: str | None = Field(description="Theme slug; null for offers without one.")
    theme_label: str
    capacity: int = Field(description="Places of the editions overlapping the period.")
    places_taken: int
    free: int


class CapacityReport(BaseModel):
    period_from: date = Field(serialization_alias="from")
    until: date
    groups: list[CapacityGroup]


@dataclass(frozen=True, slots=True)
class _Window:
    start: date | None
    end: date | None
    taken: int


def _overlaps(w: _Window, start: date, end: date) -> bool:
    return (w.start is None or w.start <= end) and (w.end is None or w.end >= start)


def _windows(
    offer: Offer, held: dict[tuple[uuid.UUID, int], int], until: date
) -> Iterator[_Window]:
    """Every edition of the offer up to the period's end, with its places taken."""
    first, last = offer.available_from, offer.available_until
    if offer.recurrence != Recurrence.YEARLY or first is None or last is None:
        yield _Window(first, last, offer.places_taken)
        return
    number = 0
    final = offer.edition if offer.status == OfferStatus.ARCHIVED else None
    while final is None or number <= final:  # an archived series has no more years
        start, end = edition_window(offer, number)
        if start is None or start > until:
            return
        if number < offer.edition:
            taken = held.get((offer.id, number), 0)
        else:
            taken = offer.places_taken if number == offer.edition else 0
        yield _Window(start, end, taken)
        number += 1


def editions_in(
    session: Session,
    city: uuid.UUID | None,
    period_from: date | None,
    until: date | None,
    *,
    archived: bool = False,
) -> Iterator[tuple[Offer, _Window]]:
    """Every edition of the city's offers whose window overlaps the period (open
    ends: no bound), with the places it held. Without an end, a yearly offer's
    editions up to its current one."""
    offers = repository.offers_for_capacity(session, city, archived=archived)
    held = repository.places_held_by_edition(session, [o.id for o in offers])
    start = period_from or date.min
    for offer in offers:
        bound = until or offer.available_from or date.max
        for window in _windows(offer, held, bound):
            if _overlaps(window, start, until or date.max):
                yield offer, window


def capacity_report(
    session: Session, user: User, *, period_from: date, until: date
) -> CapacityReport:
    """Capacity, places taken and free places per institution, level and theme."""
    if until < period_from:
        raise WindowReversed(start_field="from", end_field="until")
    city = None
    if user.role != Role.ADMIN:
        if user.municipality_id is None:
            raise NoMunicipality()
        city = user.municipality_id
    totals: dict[tuple[str, str, str | None], list[int]] = {}
    theme_labels: dict[str | None, str] = {None: NO_THEME}
    per_offer: dict[uuid.UUID, tuple[Offer, list[_Window]]] = {}
    for offer, window in editions_in(session, city, period_from, until):
        per_offer.setdefault(offer.id, (offer, []))[1].append(window)
    for offer, windows in per_offer.values():
        capacity = offer.capacity * len(windows)
        taken = sum(w.taken for w in windows)
        if capacity == 0:
            continue
        themes: list[str | None] = [t.slug for t in offer.themes] or [None]
        for t in offer.themes:
            theme_labels[t.slug] = t.label_nl
        for slug in themes:
            row = totals.setdefault((offer.institution.name, offer.level, slug), [0, 0])
            row[0] += capacity
            row[1] += taken
    groups = [
        CapacityGroup(
            institution=institution,
            level=level,
            level_label=label(LevelCode, level),
            theme=slug,
            theme_label=theme_labels[slug],
            capacity=capacity,
            places_taken=taken,
            free=max(capacity - taken, 0),
        )
        for (institution, level, slug), (capacity, taken) in sorted(
            totals.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or "")
        )
    ]
    return CapacityReport(period_from=period_from, until=until, groups=groups)
