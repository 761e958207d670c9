"""Which edition of a yearly offer is current on a date (pure: no database).

A yearly offer whose window has ended comes back with the same dates one year on,
its places free again (unless it is archived: then the series has ended). The row in the database is advanced by the daily job
(`roll_over_editions`) and by a confirm that takes a place; until then every reader
sees the current edition through `current_edition`, so nothing depends on the job
having run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.codes import OfferStatus, Recurrence
from app.models import Offer

__all__ = ["Edition", "current_edition", "edition_window", "shift_years"]


@dataclass(frozen=True, slots=True)
class Edition:
    """One window of an offer: its number (0 = the first), dates and free places."""

    number: int
    available_from: date | None
    available_until: date | None
    intake_deadline: date | None
    places_taken: int
    capacity: int

    @property
    def remaining_capacity(self) -> int:
        return max(self.capacity - self.places_taken, 0)


def shift_years(value: date | None, years: int) -> date | None:
    """The same day `years` later; 29 February becomes 28 February.

    Forward, 29 February becomes 28 February even in a leap year: the nightly
    job stores each edition's dates and moves them one year at a time (2028-02-29,
    2029-02-28, ... 2032-02-28), so a reader shifting the stored dates by several
    years at once must land on the same day, or the edition shown on a date would
    depend on whether the job ran.
    """
    if value is None or years == 0:
        return value
    if years > 0 and (value.month, value.day) == (2, 29):
        return value.replace(year=value.year + years, day=28)
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return value.replace(year=value.year + years, day=28)


def years_behind(until: date, today: date) -> int:
    """How many whole years a window ending `until` must move to not have ended."""
    years = max(today.year - until.year - 1, 0)
    while (shifted := shift_years(until, years)) is not None and shifted < today:
        years += 1
    return years


def current_edition(offer: Offer, today: date) -> Edition:
    """The offer's edition on `today`: the stored one unless a yearly window ended."""
    stored = Edition(
        number=offer.edition,
        available_from=offer.available_from,
        available_until=offer.available_until,
        intake_deadline=offer.intake_deadline,
        places_taken=offer.places_taken,
        capacity=offer.capacity,
    )
    until = offer.available_until
    if offer.recurrence != Recurrence.YEARLY or until is None or until >= today:
        return stored
    if offer.status == OfferStatus.ARCHIVED:  # it ended: it does not come round
        return stored
    years = years_behind(until, today)
    return Edition(
        number=offer.edition + years,
        available_from=shift_years(offer.available_from, years),
        available_until=shift_years(until, years),
        intake_deadline=shift_years(offer.intake_deadline, years),
        places_taken=0,
        capacity=offer.capacity,
    )


def edition_window(offer: Offer, number: int) -> tuple[date | None, date | None]:
    """The dates of edition `number` of the offer (a match keeps its own edition's
    dates after the offer came round to a new year): the stored window moved by
    the years between the stored edition and that one."""
    years = number - offer.edition if offer.recurrence == Recurrence.YEARLY else 0
    return (
        shift_years(offer.available_from, years),
        shift_years(offer.available_until, years),
    )
