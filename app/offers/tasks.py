"""The offer jobs: yearly offers whose window ended move on to their next edition."""

from __future__ import annotations

from app.env import dutch_today
from app.jobs.registry import JobContext
from app.offers import repository


def roll_over_editions(ctx: JobContext) -> int:
    """Advance every yearly offer whose window ended; returns how many moved.

    Each move is one UPDATE guarded on the old edition number (see
    `repository.roll_over`), so a confirm that moved the offer first, or a second
    worker, makes this a no-op for that offer.
    """
    today = dutch_today(ctx.settings, ctx.now)
    moved = 0
    with ctx.session_factory() as session:
        for offer in repository.list_due_for_roll_over(session, today):
            if repository.roll_over(session, offer, today):
                moved += 1
            session.commit()
    return moved
