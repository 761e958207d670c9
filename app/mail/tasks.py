"""The mail job: deliver what is due, batch after batch, then stop."""

from __future__ import annotations

from app.jobs.registry import JobContext
from app.mail.delivery import deliver_batches
from app.mail.sender import make_sender

BATCH_SIZE = 50
MAX_BATCHES = 20  # a run ends; the next tick or request carries on


def deliver_mail(ctx: JobContext) -> int:
    """Send due outbox mail (new, retries, expired claims); returns the number sent."""
    return deliver_batches(
        ctx.session_factory,
        make_sender(ctx.settings),
        now=ctx.now,
        batch=BATCH_SIZE,
        max_batches=MAX_BATCHES,
    )
