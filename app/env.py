"""What a use case needs besides the database: settings, the model and the date."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from app.config import Settings
from app.ranking.adapters import Encoder, load_configured_encoder

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def dutch_today(settings: Settings, now: datetime | None = None) -> date:
    """'Today' in the Netherlands, unless pinned by KENNISBRUG_REFERENCE_DATE."""
    return (
        settings.reference_date
        or (now or datetime.now(AMSTERDAM)).astimezone(AMSTERDAM).date()
    )


@dataclass(frozen=True, slots=True)
class Env:
    """One request's (or job's) surroundings, passed to services as one argument.

    `today` is the Dutch calendar day (or KENNISBRUG_REFERENCE_DATE); `encoder` is
    None when the model could not be loaded (ranking then runs on words).
    """

    settings: Settings
    encoder: Encoder | None
    today: date


def job_env(settings: Settings, now: datetime) -> Env:
    """The Env of a background job: the process's one model, today at `now`."""
    return Env(
        settings=settings,
        encoder=load_configured_encoder(settings),
        today=dutch_today(settings, now),
    )
