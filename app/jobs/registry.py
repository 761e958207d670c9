"""The background jobs by name, and what each one is given when it runs.

A job is a plain function `(JobContext) -> int | None` (the number of things it
handled, for the log). It must be idempotent and find its own work in the
database: it can run late, twice, or in two workers at once, and a run may be
asked for (`app.jobs.queue.request_run`) without saying what changed. The same
function runs under procrastinate on PostgreSQL and in the in-process runner on
SQLite. A job opens its own sessions from `ctx.session_factory` and commits.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy.orm import Session, sessionmaker

from app.config import Settings

logger = logging.getLogger("kennisbrug.jobs")


class JobName(StrEnum):
    MAIL = "mail"
    RETENTION = "retention"
    # The domain jobs: their names (and schedules, schedule.py) are fixed here;
    # each becomes live when its function is added in `default_registry()`.
    PROPOSAL_EXPIRY = "proposal-expiry"
    EMBEDDING = "embedding"
    DIGEST = "digest"
    REOPEN_PARKED = "reopen-parked"
    ROLL_OVER_EDITIONS = "roll-over-editions"
    RETRAIN = "retrain"


@dataclass(frozen=True, slots=True)
class JobContext:
    session_factory: sessionmaker[Session]
    settings: Settings
    # The time the run is for: pinned in tests, the clock in production.
    now: datetime


JobFunc = Callable[[JobContext], int | None]


class JobRegistry:
    """Job functions by name; tests build their own with stand-in functions."""

    def __init__(self, jobs: Mapping[JobName, JobFunc]) -> None:
        self._jobs = dict(jobs)

    def names(self) -> Iterable[JobName]:
        return tuple(self._jobs)

    def __contains__(self, name: object) -> bool:
        return name in self._jobs

    def run(self, name: JobName, ctx: JobContext) -> int | None:
        """Run one job now, logging its outcome; its exceptions propagate."""
        func = self._jobs.get(name)
        if func is None:
            logger.warning("job %s has no function registered; skipped", name)
            return None
        started = time.monotonic()
        try:
            result = func(ctx)
        except Exception:
            logger.exception("job %s failed", name)
            raise
        logger.info(
            "job %s done in %.2f s (%s)",
            name,
            time.monotonic() - started,
            "-" if result is None else result,
        )
        return result


def default_registry() -> JobRegistry:
    """Every job with a function. Registration points for the domain jobs:

    - `JobName.PROPOSAL_EXPIRY`: expire proposals past their answer date and queue
      `ProposalExpired` mail to the broker (e.g. `app.matches.tasks.expire_proposals`).
    - `JobName.EMBEDDING`: embed new or changed question and offer texts (e.g.
      `app.matches.tasks.embed_changed_texts`); services `request_run` it on change.
    - `JobName.DIGEST`: queue each broker's weekly `BrokerDigest`, with
      `dedupe_key=f"digest:{user.id}:{iso_week}"` (e.g. `app.matches.tasks.send_digests`).
    - `JobName.REOPEN_PARKED`: reopen parked questions whose date has come and
      queue `QuestionReopened` (e.g. `app.questions.tasks.reopen_parked_questions`).

    Each is `def job(ctx: JobContext) -> int | None`; add it to the mapping below.
    """
    from app.learning.tasks import retrain_models
    from app.mail.tasks import deliver_mail
    from app.matches.tasks import expire_proposals, send_digests
    from app.offers.tasks import roll_over_editions
    from app.privacy.tasks import purge_expired_personal_data
    from app.questions.tasks import reopen_parked_questions
    from app.ranking.tasks import embed_changed_texts

    return JobRegistry(
        {
            JobName.MAIL: deliver_mail,
            JobName.RETENTION: purge_expired_personal_data,
            JobName.PROPOSAL_EXPIRY: expire_proposals,
            JobName.EMBEDDING: embed_changed_texts,
            JobName.DIGEST: send_digests,
            JobName.REOPEN_PARKED: reopen_parked_questions,
            JobName.ROLL_OVER_EDITIONS: roll_over_editions,
            JobName.RETRAIN: retrain_models,
        }
    )
