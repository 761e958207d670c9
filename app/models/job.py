"""When each periodic job last became due and was started (app/jobs/schedule.py).

Kept in the database, not in memory, so a restart neither skips nor repeats a run
and several workers (or `kennisbrug worker --once` from cron) agree on what is due.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime


class ScheduledJob(Base):
    __tablename__ = "scheduled_jobs"

    job_name: Mapped[str] = mapped_column(String(60), primary_key=True)
    # The schedule time (cron tick) last claimed; NULL: never ran, so due now.
    last_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
