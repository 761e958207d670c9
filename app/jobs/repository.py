"""Every query on the schedule table (scheduled_jobs)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from app.models import ScheduledJob


def ensure_rows(session: Session, names: list[str]) -> None:
    """A row per job name, created once (a no-op when it exists)."""
    values = [{"job_name": name} for name in names]
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    session.execute(insert(ScheduledJob).values(values).on_conflict_do_nothing())


def claim_tick(session: Session, name: str, *, tick: datetime, now: datetime) -> bool:
    """Claim the run of `tick` for this worker; False if another claimed it first."""
    result = session.execute(
        update(ScheduledJob)
        .where(
            ScheduledJob.job_name == name,
            or_(ScheduledJob.last_due_at.is_(None), ScheduledJob.last_due_at < tick),
        )
        .values(last_due_at=tick, last_started_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
