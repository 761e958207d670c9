"""The mail job: deliver what is due, batch after batch, then stop."""

from __future__ import annotations

from app.jobs.registry import JobContext
from app.mail.delivery import deliver_due
from app.mail.sender import make_sender

BATCH_SIZE = 50
MAX_BATCHES = 20  # a run ends; the next tick or request carries on


def deliver_mail(ctx: JobContext) -> int:
    """Send due outbox mail (new, retries, expired claims); returns the number sent."""
    sender = make_sender(ctx.settings)
    sent = 0
    for _ in range(MAX_BATCHES):
        report = deliver_due(ctx.session_factory, sender, now=ctx.now, batch=BATCH_SIZE)
        sent += report.sent
        if report.claimed < BATCH_SIZE:
            break
    return sent
