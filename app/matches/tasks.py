"""The match jobs: unanswered proposals expire; brokers get their weekly digest."""

from __future__ import annotations

from app.env import job_env
from app.jobs.registry import JobContext
from app.matches import digest, service


def expire_proposals(ctx: JobContext) -> int:
    """Expire proposals past their answer date; returns how many."""
    with ctx.session_factory() as session:
        return service.expire_proposals(session, job_env(ctx.settings, ctx.now))


def send_digests(ctx: JobContext) -> int:
    """Queue each broker's weekly overview of what waits; returns how many."""
    with ctx.session_factory() as session:
        return digest.queue_digests(session, job_env(ctx.settings, ctx.now))
