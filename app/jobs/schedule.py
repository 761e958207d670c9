"""When the jobs run by themselves, in Dutch time, and who runs each tick.

Cron expressions are read in Europe/Amsterdam, so "Monday 07:00" stays 07:00
across daylight saving time. A run is due when a tick has passed since the last
claimed one (`scheduled_jobs.last_due_at`; never ran: due now). Ticks missed while
no worker ran are caught up once, not once per missed tick. Claiming is one
conditional UPDATE, so of several workers (or a cron'd `kennisbrug worker --once`
beside `serve`) exactly one starts each run.

procrastinate's own periodic tasks are not used for these: their crons are in
UTC and a tick missed by more than 10 minutes is dropped, which would skip a
week's digest after a short outage. On PostgreSQL one procrastinate periodic task
(`tick`, every minute) calls `claim_due` and defers what it claimed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from croniter import croniter
from sqlalchemy.orm import Session

from app.jobs import repository
from app.jobs.registry import JobName, JobRegistry

SCHEDULE_TIMEZONE = ZoneInfo("Europe/Amsterdam")


@dataclass(frozen=True, slots=True)
class Schedule:
    job: JobName
    cron: str  # minute hour day month weekday, in Europe/Amsterdam time

    def __post_init__(self) -> None:
        if not croniter.is_valid(self.cron):
            raise ValueError(f"not a cron expression: {self.cron!r}")

    def last_tick(self, now: datetime) -> datetime:
        """The latest tick at or before `now`, in UTC."""
        local = now.astimezone(SCHEDULE_TIMEZONE)
        if croniter.match(self.cron, local.replace(second=0, microsecond=0)):
            tick = local.replace(second=0, microsecond=0)
        else:
            tick = croniter(self.cron, local).get_prev(datetime)
        assert isinstance(tick, datetime)  # croniter is untyped
        return tick.astimezone(UTC)


SCHEDULES: tuple[Schedule, ...] = (
    # New mail is asked for when it is queued; the minute tick delivers retries.
    Schedule(JobName.MAIL, "* * * * *"),
    Schedule(JobName.RETENTION, "30 3 * * *"),
    Schedule(JobName.DIGEST, "0 7 * * 1"),
    # The lead's jobs; skipped until their function is registered.
    Schedule(JobName.PROPOSAL_EXPIRY, "*/15 * * * *"),
    Schedule(JobName.REOPEN_PARKED, "0 6 * * *"),
    # Yearly offers move on to their next edition just after midnight.
    Schedule(JobName.ROLL_OVER_EDITIONS, "10 0 * * *"),
    # The learned rankers retrain at night, where there are new decisions.
    Schedule(JobName.RETRAIN, "0 4 * * *"),
    # Changes ask for an embedding run at once; this catches up after a crash.
    Schedule(JobName.EMBEDDING, "*/10 * * * *"),
)


def claim_due(
    session: Session,
    schedules: Iterable[Schedule],
    *,
    now: datetime,
    registry: JobRegistry,
) -> list[JobName]:
    """Claim every due run of a registered job; the caller commits (and runs them)."""
    live = [s for s in schedules if s.job in registry]
    if not live:
        return []
    repository.ensure_rows(session, [s.job.value for s in live])
    return [
        schedule.job
        for schedule in live
        if repository.claim_tick(
            session, schedule.job.value, tick=schedule.last_tick(now), now=now
        )
    ]
