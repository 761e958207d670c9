"""The learner's job: retrain nightly where the broker has decided since."""

from __future__ import annotations

import logging

from app.jobs.registry import JobContext
from app.learning.training import retrain_stale

logger = logging.getLogger("kennisbrug.learning")


def retrain_models(ctx: JobContext) -> int:
    """Retrain each city (and the all-cities model) with new decisions; the number
    of models stored (a run the guard refused stores none and keeps the default)."""
    with ctx.session_factory() as session:
        results = retrain_stale(session)
        for result in results:
            logger.info(
                "retrained on %d decision(s): %s",
                result.decisions,
                result.stored.version if result.stored else "kept the default",
            )
        session.commit()
    return sum(1 for r in results if r.stored is not None)
