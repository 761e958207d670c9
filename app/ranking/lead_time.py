"""Lead time: a question that comes too late for the intake of the offers it fits.

The flag names the period it missed and the next chance ("te laat voor blok 3
(aanmelding gesloten op 10 januari); eerstvolgende kans blok 4 (vanaf 19 april)"),
taken from the institution's academic periods, or for a yearly offer from its next
edition.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from app.codes import Recurrence
from app.models import Offer
from app.offers.editions import current_edition, shift_years
from app.periods import repository as periods
from app.ranking.adapters import Ranking, dutch_day


def lead_time_flag(
    session: Session, ranking: Ranking, by_id: Mapping[str, Offer], today: date
) -> str | None:
    """The Dutch flag for the best near-miss whose only fault is a closed intake
    (`by_id`: at least the excluded offers, by id)."""
    for miss in ranking.excluded:
        if miss.rules != ("intake",) or miss.offer_id not in by_id:
            continue
        offer = by_id[miss.offer_id]
        edition = current_edition(offer, today)
        if edition.intake_deadline is None:
            continue
        missed = (
            periods.period_at(session, offer.institution_id, edition.available_from)
            if edition.available_from
            else None
        )
        text = (
            f"te laat voor {missed.name if missed else offer.title} "
            f"(aanmelding gesloten op {dutch_day(edition.intake_deadline)})"
        )
        following = periods.next_after(session, offer.institution_id, today)
        if following is not None:
            return (
                f"{text}; eerstvolgende kans {following.name} "
                f"(vanaf {dutch_day(following.starts_on)})"
            )
        if offer.recurrence == Recurrence.YEARLY and edition.available_from:
            again = shift_years(edition.available_from, 1)
            assert again is not None
            return f"{text}; eerstvolgende kans volgend jaar (vanaf {dutch_day(again)} {again.year})"
        return text
    return None
