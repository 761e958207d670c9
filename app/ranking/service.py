"""Ranking use cases on top of `matching`: candidates, pair scores, allocation and
similar questions, all from the same pipeline `kennisbrug eval` measures.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from app.codes import MatchStatus
from app.matches import repository as match_repository
from app.matches.errors import HardRuleBroken
from app.matches.schemas import OfferSummary
from app.models import Offer, Question, User
from app.municipalities import repository as municipality_repository
from app.questions import service as question_service
from app.ranking import embeddings, repository
from app.ranking.adapters import (
    DEFAULT_CONFIG,
    FOCUS_BOOST,
    Encoder,
    Ranking,
    question_input,
    question_text_of,
    rank,
    score_offer,
    similar_questions,
    with_focus,
)
from app.ranking.index import CityIndex, city_index
from app.ranking.lead_time import lead_time_flag
from app.ranking.schemas import (
    CandidateRead,
    CandidatesRead,
    ExcludedRead,
    SimilarQuestionRead,
)
from matching.learning import LearnedRanker

LEXICAL_WARNING = (
    "Het taalmodel is niet beschikbaar: de kandidaten zijn alleen op woorden en "
    "thema's gerangschikt."
)
F32 = npt.NDArray[np.float32]
PENDING_VECTOR_WARNING = (
    "De tekst van deze vraag is nog niet door het taalmodel verwerkt: de kandidaten "
    "zijn voorlopig alleen op woorden en thema's gerangschikt. Vernieuw de pagina "
    "over een ogenblik."
)


@dataclass(frozen=True, slots=True)
class PairScore:
    score: float
    components: dict[str, float]
    explanation: str
    engine_version: str
    model_name: str | None
    reranker_version: str | None = None


def learned_ranker(
    session: Session, municipality_id: uuid.UUID
) -> tuple[LearnedRanker, int] | None:
    """The city's active learned model and its decision count, unless the city
    switched learned ranking off or no model passed its guard."""
    from app.learning.training import active_model
    from app.models import Municipality

    city = session.get(Municipality, municipality_id)
    if city is None or not city.learned_ranking:
        return None
    found = active_model(session, municipality_id)
    if found is None:
        return None
    model, ranker = found
    return ranker, model.decisions


# Candidates ranked beyond the limit, so a focus boost can lift one into it.
_FOCUS_MARGIN = 10


@dataclass(frozen=True, slots=True)
class QuestionRanking:
    """A question's ranking, the index it was made on, and whether the question's
    vector was there (else the dense evidence is left out until the job ran)."""

    ranking: Ranking
    pool: CityIndex
    dense: bool


def question_vector(
    session: Session, encoder: Encoder | None, q: Question
) -> F32 | None:
    """The question's stored vector of its current text; None (no dense evidence)
    while the embedding job has not stored it. Never encoded in a request."""
    if encoder is None:
        return None
    return embeddings.stored_question_vectors(session, encoder, [q])[0]


def warning_for(encoder: Encoder | None, dense: bool) -> str | None:
    """The Dutch warning when ranking ran without the language model's evidence."""
    if encoder is None:
        return LEXICAL_WARNING
    return None if dense else PENDING_VECTOR_WARNING


def _focused(
    session: Session,
    q: Question,
    offer_themes: Mapping[str, Sequence[str]],
    ranking: Ranking,
    today: date,
) -> Ranking:
    """The ranking with the city's focus themes of this agenda year applied."""
    focus = municipality_repository.focus_themes(session, q.municipality_id, today.year)
    return _with_focus(ranking, q, offer_themes, focus, today.year)


def _with_focus(
    ranking: Ranking,
    q: Question,
    offer_themes: Mapping[str, Sequence[str]],
    focus: Collection[str],
    year: int,
) -> Ranking:
    """The ranking with the focus boost, or itself when the question shares no
    focus theme (then nothing can be boosted)."""
    if not set(focus) & {t.slug for t in q.themes}:
        return ranking
    return Ranking(
        candidates=with_focus(
            ranking.candidates,
            offer_themes=offer_themes,
            question_themes=[t.slug for t in q.themes],
            focus=focus,
            year=year,
        ),
        excluded=ranking.excluded,
    )


def _themes_of(pool: CityIndex, ids: Sequence[str]) -> dict[str, list[str]]:
    offers = pool.index.offers
    return {i: list(offers[pool.rows[i]].themes) for i in ids if i in pool.rows}


def rank_question(
    session: Session,
    encoder: Encoder | None,
    q: Question,
    *,
    today: date,
    limit: int,
    excluded_limit: int = 5,
    reranker: LearnedRanker | None = None,
) -> QuestionRanking:
    """The question ranked against its city's cached offer index."""
    pool = city_index(session, encoder, q.municipality_id, today)
    vector = question_vector(session, encoder, q)
    focus = municipality_repository.focus_themes(session, q.municipality_id, today.year)
    return QuestionRanking(
        ranking=rank_in_pool(
            pool,
            q,
            vector,
            today=today,
            limit=limit,
            excluded_limit=excluded_limit,
            reranker=reranker,
            focus=focus,
        ),
        pool=pool,
        dense=vector is not None,
    )


def rank_in_pool(
    pool: CityIndex,
    q: Question,
    vector: F32 | None,
    *,
    today: date,
    limit: int,
    excluded_limit: int,
    reranker: LearnedRanker | None,
    focus: Collection[str],
) -> Ranking:
    """The question ranked as its candidate list ranks it: the engine (reordered
    by the city's learned model, if any) and the city's focus themes of the
    agenda year. The allocation ranks every open question this way too, with the
    city's model and focus read once.

    The boost can lift an offer from below the list into it, so the engine ranks
    deeper until no offer left out could reach the list with it: the list is the
    same whatever `limit` asks for (the decisions record a deeper one than the
    page shows)."""
    window = limit + _FOCUS_MARGIN
    while True:
        ranking = rank(
            question_input(q),
            vector,
            pool.index,
            reference_date=today,
            config=DEFAULT_CONFIG,
            limit=window,
            excluded_limit=excluded_limit,
            reranker=reranker,
        )
        themes = _themes_of(pool, [c.offer_id for c in ranking.candidates])
        focused = _with_focus(ranking, q, themes, focus, today.year)
        if focused is ranking or not _lift_possible(ranking, focused, window, limit):
            break
        window *= 2
    return Ranking(candidates=focused.candidates[:limit], excluded=focused.excluded)


def _lift_possible(ranking: Ranking, focused: Ranking, window: int, limit: int) -> bool:
    """Whether an offer ranked below the window could, boosted, enter the top
    `limit`: the window was full and its last offer plus the boost reaches the
    `limit`-th score."""
    shown = ranking.candidates
    if len(shown) < window or len(focused.candidates) < limit:
        return False
    return shown[-1].score + FOCUS_BOOST >= focused.candidates[limit - 1].score


def stored_similarity_vectors(
    session: Session,
    encoder: Encoder | None,
    target: Question | None,
    others: Sequence[Question],
) -> tuple[F32 | None, F32 | None]:
    """The stored vectors of a question and the others it is compared with, or
    (None, None) when any is missing (then the comparison is on words only, until
    the embedding job ran). Never encoded in a request."""
    if encoder is None:
        return None, None
    found = embeddings.stored_question_vectors(
        session, encoder, [*([target] if target else []), *others]
    )
    if any(v is None for v in found):
        return None, None
    rows = [v for v in found if v is not None]
    if target is None:
        return None, np.asarray(rows, dtype=np.float32)
    return rows[0], np.asarray(rows[1:], dtype=np.float32).reshape(len(others), -1)


def candidates(
    session: Session,
    encoder: Encoder | None,
    question_id: uuid.UUID,
    *,
    user: User,
    today: date,
    limit: int,
) -> CandidatesRead:
    """Ranked offers for a question with explanations, plus the best near-misses."""
    q = question_service.get_visible_question(session, question_id, user)
    learned = learned_ranker(session, q.municipality_id)
    ranked = rank_question(
        session,
        encoder,
        q,
        today=today,
        limit=limit,
        reranker=learned[0] if learned else None,
    )
    ranking = ranked.ranking
    # Only the offers shown are loaded, not the pool.
    by_id = repository.offers_by_id(
        session,
        [c.offer_id for c in ranking.candidates]
        + [e.offer_id for e in ranking.excluded],
    )
    existing = {
        str(m.offer_id): m for m in match_repository.list_for_questions(session, [q.id])
    }
    return CandidatesRead(
        question_id=q.id,
        engine_version=DEFAULT_CONFIG.version,
        model_name=encoder.model_name if encoder else None,
        warning=warning_for(encoder, ranked.dense),
        ranker=learned[0].version if learned else "default",
        learned_from=learned[1] if learned else None,
        candidates=[
            CandidateRead(
                offer=OfferSummary.at(by_id[c.offer_id], today),
                score=c.score,
                components=dict(c.components),
                reasons=list(c.reasons),
                explanation=c.explanation,
                match_id=existing[c.offer_id].id if c.offer_id in existing else None,
                match_status=existing[c.offer_id].status
                if c.offer_id in existing
                else None,
            )
            for c in ranking.candidates
            if c.offer_id in by_id
        ],
        excluded=[
            ExcludedRead(
                offer=OfferSummary.at(by_id[e.offer_id], today),
                rule=e.rule,
                label=e.label,
                score=e.score,
            )
            for e in ranking.excluded
            if e.offer_id in by_id
        ],
        lead_time=lead_time_flag(session, ranking, by_id, today),
    )


def score_pair(
    session: Session, encoder: Encoder | None, q: Question, o: Offer, *, today: date
) -> PairScore:
    """The score the candidate list gives this (eligible) offer for the question."""
    pool = city_index(session, encoder, q.municipality_id, today)
    vector = question_vector(session, encoder, q)
    learned = learned_ranker(session, q.municipality_id)
    if str(o.id) not in pool.rows:  # callers check the hard rules first
        raise HardRuleBroken(o.title, rules=[], labels=[])
    hit = score_offer(
        question_input(q),
        vector,
        pool.index,
        str(o.id),
        reference_date=today,
        config=DEFAULT_CONFIG,
        reranker=learned[0] if learned else None,
    )
    if hit is None:  # callers check the hard rules first; keep a clear error anyway
        raise HardRuleBroken(o.title, rules=[], labels=[])
    themes = {str(o.id): [t.slug for t in o.themes]}
    hit = _focused(session, q, themes, Ranking((hit,), ()), today).candidates[0]
    return PairScore(
        score=hit.score,
        components=dict(hit.components),
        explanation=hit.explanation,
        engine_version=DEFAULT_CONFIG.version,
        model_name=encoder.model_name if encoder else None,
        reranker_version=learned[0].version if learned else None,
    )


def similar(
    session: Session,
    encoder: Encoder | None,
    question_id: uuid.UUID,
    *,
    user: User,
    limit: int,
) -> list[SimilarQuestionRead]:
    """Other questions of the city that resemble this one, with status and outcome.

    Not the question's own split parts, parent or sibling parts: they are the
    same question at another level (its lineage shows them), not earlier work.
    """
    q = question_service.get_visible_question(session, question_id, user)
    family = question_service.split_family(session, q)
    others = [o for o in repository.other_questions(session, q) if o.id not in family]
    if not others:
        return []
    target_vector, other_vectors = stored_similarity_vectors(
        session, encoder, q, others
    )
    indices, scores = similar_questions(
        target_vector,
        other_vectors,
        target_text=question_text_of(q),
        other_texts=[question_text_of(o) for o in others],
        limit=limit,
    )
    chosen = [others[i] for i in indices.tolist()]
    outcomes: dict[uuid.UUID, list[str]] = {o.id: [] for o in chosen}
    for m in match_repository.list_for_questions(session, [o.id for o in chosen]):
        if m.status == MatchStatus.COMPLETED and m.outcome_summary:
            outcomes[m.question_id].append(m.outcome_summary)
    return [
        SimilarQuestionRead(
            id=o.id,
            title=o.title,
            status=o.status,
            similarity=round(float(s), 4),
            created_at=o.created_at,
            outcomes=outcomes[o.id],
        )
        for o, s in zip(chosen, scores.tolist(), strict=True)
    ]
