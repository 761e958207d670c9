"""The question jobs: parked questions reopen on their date."""

from __future__ import annotations

from app.env import job_env
from app.jobs.registry import JobContext
from app.questions import parking


def reopen_parked_questions(ctx: JobContext) -> int:
    """Reopen parked questions whose date has come and tell their owners."""
    with ctx.session_factory() as session:
        return parking.reopen_parked(session, job_env(ctx.settings, ctx.now))
