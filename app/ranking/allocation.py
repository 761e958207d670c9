"""The allocation proposal: the best total set of pairs for all open questions.

Ranks every question against the city's offers as its candidate list does (the
city's learned model and focus themes included, so a pair's score and explanation
are the ones the broker sees there), keeps each question's top candidates that pass
the hard rules, and lets the min-cost-flow
solver in `matching.allocation` pick pairs within every offer's remaining capacity.
Nothing is confirmed: the broker does that.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import numpy as np
from sqlalchemy.orm import Session

from app.codes import HOLDING_STATUSES, MatchStatus
from app.matches import repository
from app.matches.errors import NotAllocatable
from app.matches.schemas import OfferSummary
from app.models import Question, User
from app.municipalities import repository as municipality_repository
from app.questions import lifecycle
from app.questions import service as question_service
from app.ranking import embeddings
from app.ranking import repository as ranking_repository
from app.ranking.adapters import DEFAULT_CONFIG, Encoder, allocate
from app.ranking.index import city_index
from app.ranking.schemas import AllocationPair, AllocationRead
from app.ranking.service import learned_ranker, rank_in_pool, warning_for

# Candidates per question handed to the solver: enough to route around full offers.
_TOP_K = 20


def _open_questions(
    session: Session, user: User, question_ids: Sequence[uuid.UUID] | None
) -> list[Question]:
    if question_ids is None:
        assert user.municipality_id is not None  # brokers always have a city
        return ranking_repository.open_questions(session, user.municipality_id)
    questions = [
        question_service.get_visible_question(session, i, user)
        for i in dict.fromkeys(question_ids)
    ]
    closed = [q for q in questions if q.status not in lifecycle.TAKES_MATCHES]
    if closed:
        raise NotAllocatable(closed[0].id, closed[0].status)
    return questions


def propose_allocation(
    session: Session,
    encoder: Encoder | None,
    *,
    user: User,
    question_ids: Sequence[uuid.UUID] | None,
    today: date,
) -> AllocationRead:
    """Propose the pairs with the highest total score within every offer's capacity."""
    questions = _open_questions(session, user, question_ids)
    assert user.municipality_id is not None
    pool = city_index(session, encoder, user.municipality_id, today)
    index = pool.index
    matches = repository.list_for_questions(session, [q.id for q in questions])
    taken = {
        (m.question_id, m.offer_id) for m in matches if m.status != MatchStatus.PROPOSED
    }
    held = {q.id: 0 for q in questions}
    for m in matches:
        if m.status in HOLDING_STATUSES:
            held[m.question_id] += 1
    vectors = (
        embeddings.stored_question_vectors(session, encoder, questions)
        if encoder
        else [None] * len(questions)
    )
    pair_q: list[int] = []
    pair_o: list[int] = []
    pair_s: list[float] = []
    explanations: dict[tuple[int, int], str] = {}
    learned = learned_ranker(session, user.municipality_id)
    focus = municipality_repository.focus_themes(
        session, user.municipality_id, today.year
    )
    for qk, q in enumerate(questions):
        ranking = rank_in_pool(
            pool,
            q,
            vectors[qk],
            today=today,
            limit=_TOP_K,
            excluded_limit=0,
            reranker=learned[0] if learned else None,
            focus=focus,
        )
        for c in ranking.candidates:
            ok = pool.rows[c.offer_id]
            if (q.id, uuid.UUID(c.offer_id)) in taken:
                continue
            pair_q.append(qk)
            pair_o.append(ok)
            pair_s.append(c.score)
            explanations[(qk, ok)] = c.explanation
    result = allocate(
        len(questions),
        np.array([o.remaining_capacity for o in index.offers], dtype=np.int64),
        np.array(
            [max(q.wanted_matches - held[q.id], 0) for q in questions], dtype=np.int64
        ),
        np.array(pair_q, dtype=np.int64),
        np.array(pair_o, dtype=np.int64),
        np.array(pair_s, dtype=np.float64),
    )
    chosen = ranking_repository.offers_by_id(
        session, [index.offers[ok].id for ok in result.offer_index.tolist()]
    )
    pairs = [
        AllocationPair(
            question_id=questions[qk].id,
            question_title=questions[qk].title,
            offer=OfferSummary.at(chosen[index.offers[ok].id], today),
            score=round(float(score), 4),
            explanation=explanations[(qk, ok)],
        )
        for qk, ok, score in zip(
            result.question_index.tolist(),
            result.offer_index.tolist(),
            result.scores.tolist(),
            strict=True,
        )
    ]
    return AllocationRead(
        engine_version=DEFAULT_CONFIG.version,
        pairs=pairs,
        total_score=round(result.total_score, 4),
        questions_considered=len(questions),
        questions_served=result.questions_served,
        warning=warning_for(encoder, all(v is not None for v in vectors)),
    )
