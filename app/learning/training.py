"""Train the reranker from stored decisions and keep it only when it passed its guard.

Per question the ranked list of its first decision is what the broker saw; each
offer's outcome is the strongest recorded for it (confirmed over declined over
rejected); shown offers without a decision count as ignored, and an offer decided
later that the first list did not hold joins it below the shown ones.
`matching.learning.fit` validates on held-out questions and returns None unless
the learned order beats the default there: then nothing is stored and the default
engine stays.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.learning import repository
from app.models import Decision, LearnedModel
from app.ranking.adapters import DEFAULT_CONFIG
from matching import learning
from matching.errors import MatchingError

log = logging.getLogger(__name__)

_STRENGTH = {
    learning.Outcome.CONFIRMED: 3,
    learning.Outcome.DECLINED: 2,
    learning.Outcome.REJECTED: 1,
    learning.Outcome.IGNORED: 0,
}


@dataclass(frozen=True, slots=True)
class TrainResult:
    decisions: int
    questions: int
    stored: LearnedModel | None
    validation: dict[str, float]


def to_learning(rows: Sequence[Decision]) -> list[learning.Decision]:
    """Group decision rows by question into the lists the learner reads."""
    by_question: dict[uuid.UUID, list[Decision]] = defaultdict(list)
    for row in sorted(rows, key=lambda r: (r.created_at, str(r.id))):
        by_question[row.question_id].append(row)
    out: list[learning.Decision] = []
    for question_id, items in by_question.items():
        outcome: dict[str, learning.Outcome] = {}
        reason: dict[str, str] = {}
        for item in items:
            key = str(item.offer_id)
            new = learning.Outcome(item.outcome)
            if _STRENGTH[new] >= _STRENGTH[outcome.get(key, learning.Outcome.IGNORED)]:
                outcome[key] = new
                reason[key] = item.reason_code or ""
        shown = items[0].shown or []
        depth = len(shown)
        offers = []
        for entry in shown:
            key = str(entry["offer_id"])
            offers.append(
                learning.ShownOffer(
                    offer_id=key,
                    rank=int(entry["rank"]) if entry.get("rank") else depth + 1,
                    components={
                        str(k): float(v)
                        for k, v in (entry.get("components") or {}).items()
                    },
                    outcome=outcome.get(key, learning.Outcome.IGNORED),
                    reason=reason.get(key, ""),
                )
            )
        offers.extend(_decided_later(items, shown, outcome, reason, depth + 1))
        out.append(
            learning.Decision(
                question_id=str(question_id),
                shown=tuple(offers),
                engine_version=items[0].engine_version,
            )
        )
    return out


def _decided_later(
    items: Sequence[Decision],
    first: Sequence[dict[str, Any]],
    outcome: dict[str, learning.Outcome],
    reason: dict[str, str],
    rank: int,
) -> list[learning.ShownOffer]:
    """Offers decided after the first decision that its list did not hold (an
    offer added later, one proposed from further down): without them their
    confirmation or rejection would be dropped from training. Each joins below
    the first list (it was not shown there) with the components its own
    decision recorded for it."""
    seen = {str(entry["offer_id"]) for entry in first}
    extra: list[learning.ShownOffer] = []
    for item in items:
        key = str(item.offer_id)
        if key in seen:
            continue
        seen.add(key)
        own = next((e for e in item.shown or [] if str(e.get("offer_id")) == key), {})
        raw = own.get("components") or {}
        extra.append(
            learning.ShownOffer(
                offer_id=key,
                rank=rank,
                components={str(k): float(v) for k, v in raw.items()},
                outcome=outcome[key],
                reason=reason.get(key, ""),
            )
        )
    return extra


def train(session: Session, municipality_id: uuid.UUID | None) -> TrainResult:
    """Fit on the decisions of one city (or of all cities) and store the model
    when it passed its guard; the caller commits."""
    rows = repository.decisions(session, DEFAULT_CONFIG.version, municipality_id)
    decisions = to_learning(rows)
    ranker = learning.fit(decisions, config=DEFAULT_CONFIG)
    if ranker is None:
        return TrainResult(len(rows), len(decisions), None, {})
    model = LearnedModel(
        municipality_id=municipality_id,
        version=ranker.version,
        engine_version=ranker.engine_version,
        decisions=len(rows),
        questions=len(decisions),
        ranker=ranker.to_json(),
    )
    session.add(model)
    session.flush()
    return TrainResult(len(rows), len(decisions), model, dict(ranker.validation))


def retrain_stale(session: Session) -> list[TrainResult]:
    """Train every city that has decisions its newest model was not trained on, and
    the all-cities model likewise; the caller commits.

    "New" is counted, not timed: a model records how many decisions it learned
    from, so a decision committed while training ran is not mistaken for an old
    one. A city whose last run kept the default is tried again (it has no model
    that knows its decisions), which costs one fit per night.
    """
    counts = repository.decision_counts(session, DEFAULT_CONFIG.version)
    owners: list[tuple[uuid.UUID | None, int]] = sorted(
        counts.items(), key=lambda item: str(item[0])
    )
    if counts:
        owners.append((None, sum(counts.values())))
    results = []
    for owner, count in owners:
        newest = repository.newest_model(session, owner, DEFAULT_CONFIG.version)
        if newest is not None and newest.decisions == count:
            continue
        results.append(train(session, owner))
    return results


def active_model(
    session: Session, municipality_id: uuid.UUID
) -> tuple[LearnedModel, learning.LearnedRanker] | None:
    """The city's newest stored model for the current engine, else the newest
    model trained on all cities, else None (the default engine ranks).

    A stored model this code cannot read (another feature set, a damaged row) is
    passed over with a warning: ranking must not fail because of an old model.
    """
    for owner in (municipality_id, None):
        model = repository.newest_model(session, owner, DEFAULT_CONFIG.version)
        if model is None:
            continue
        try:
            return model, learning.LearnedRanker.from_json(model.ranker)
        except MatchingError as exc:
            log.warning("learned model %s is not usable: %s", model.id, exc)
    return None


@dataclass(frozen=True, slots=True)
class SwitchState:
    """What the broker's candidates page shows about learned ranking."""

    on: bool
    available: bool
    decisions: int | None


def switch_state(session: Session, municipality_id: uuid.UUID) -> SwitchState:
    """Whether the city ranks with a learned model, and whether one exists."""
    from app.models import Municipality

    city = session.get(Municipality, municipality_id)
    found = active_model(session, municipality_id)
    return SwitchState(
        on=bool(city is not None and city.learned_ranking),
        available=found is not None,
        decisions=found[0].decisions if found else None,
    )


def set_learned_ranking(session: Session, municipality_id: uuid.UUID, on: bool) -> None:
    """Turn the city's learned ranking on or off: one UPDATE, so two brokers who
    switch at once simply leave the last choice; the caller commits."""
    from sqlalchemy import update

    from app.models import Municipality

    session.execute(
        update(Municipality)
        .where(Municipality.id == municipality_id)
        .values(learned_ranking=on)
    )
