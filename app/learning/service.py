"""Record every decision on a pair with the ranking it was made on.

A decision is a label no other platform has: which offer the broker confirmed or
turned down (and why), and which offers stood above and below it at that moment.
`kennisbrug learn` trains the reranker on these (matching.learning).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from app.codes import DecisionOutcome
from app.models import Decision, Match, User
from app.ranking import service as ranking
from app.ranking.adapters import DEFAULT_CONFIG, Encoder

# How much of the ranked list a decision keeps: what a broker scrolls through.
SHOWN_DEPTH = 20


def record(
    session: Session,
    m: Match,
    *,
    outcome: DecisionOutcome,
    actor: User | None,
    encoder: Encoder | None,
    today: date,
    reason_code: str | None = None,
    reason: str | None = None,
) -> Decision:
    """Add the decision with the question's ranking as it stands now; the caller
    commits it together with the step it records (one transaction)."""
    learned = ranking.learned_ranker(session, m.question.municipality_id)
    ranked = ranking.rank_question(
        session,
        encoder,
        m.question,
        today=today,
        limit=SHOWN_DEPTH,
        reranker=learned[0] if learned else None,
    ).ranking
    shown: list[dict[str, Any]] = [
        {
            "offer_id": c.offer_id,
            "rank": rank,
            "score": c.score,
            "components": dict(c.components),
        }
        for rank, c in enumerate(ranked.candidates, start=1)
    ]
    if all(item["offer_id"] != str(m.offer_id) for item in shown):
        # Proposed from further down (or from a near-miss): kept, without a rank.
        shown.append(
            {
                "offer_id": str(m.offer_id),
                "rank": None,
                "score": m.score,
                "components": dict(m.components or {}),
            }
        )
    decision = Decision(
        municipality_id=m.municipality_id,
        question_id=m.question_id,
        offer_id=m.offer_id,
        match_id=m.id,
        actor_id=actor.id if actor else None,
        outcome=outcome,
        reason_code=reason_code,
        reason=reason,
        engine_version=DEFAULT_CONFIG.version,
        reranker_version=learned[0].version if learned else None,
        shown=shown,
    )
    session.add(decision)
    return decision
