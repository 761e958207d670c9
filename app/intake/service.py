"""Intake help: read a draft question and suggest, warn and propose a team.

Everything comes from what exists: the concept vocabulary and the city's
neighbourhood names (suggestions), the city's earlier questions ("asked before?"),
the offer windows (deadline hint) and the ranking engine's candidates (team). The
model encodes the draft once, as the candidate list encodes a question.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

import numpy as np
import numpy.typing as npt
from sqlalchemy.orm import Session

from app.codes import Level, MatchStatus, Role, label
from app.intake import repository
from app.intake.schemas import (
    AssistRead,
    DraftQuestion,
    HintRead,
    PackageRead,
    SimilarRead,
    SuggestionRead,
    TeamOfferRead,
)
from app.matches import repository as match_repository
from app.matches.schemas import OfferSummary
from app.models import Neighbourhood, Question, User
from app.questions.errors import NoMunicipality
from app.ranking import repository as ranking_repository
from app.ranking.adapters import (
    DEFAULT_CONFIG,
    Encoder,
    OfferInput,
    OfferWindow,
    QuestionInput,
    Ranking,
    draft_hints,
    draft_input,
    find_neighbourhood,
    question_text,
    question_text_of,
    rank,
    similar_questions,
    suggest_levels,
    suggest_themes,
    team_of,
)
from app.ranking.index import city_index
from app.ranking.service import LEXICAL_WARNING, stored_similarity_vectors
from app.vocab import repository as vocab_repository
from app.vocab.service import match_neighbourhood

# Candidates looked at per draft: enough to find the best of every level.
_POOL = 30
F32 = npt.NDArray[np.float32]
_SIMILAR = 5


def assist(
    session: Session,
    encoder: Encoder | None,
    draft: DraftQuestion,
    *,
    user: User,
    today: date,
) -> AssistRead:
    """Suggestions, similar earlier questions, hints and a team for a draft."""
    if user.municipality_id is None:
        raise NoMunicipality()
    city = user.municipality_id
    themes = {t.slug: t.label_nl for t in vocab_repository.list_themes(session)}
    hoods = vocab_repository.list_neighbourhoods(session, city)
    text = f"{draft.description} {draft.context}".strip()
    theme_hits = suggest_themes(draft.title, text, themes=list(themes))
    place = _chosen_place(hoods, draft.neighbourhood)
    found = find_neighbourhood(
        draft.title, text, {h.slug: (h.name, tuple(h.aliases)) for h in hoods}
    )
    hood_names = {h.slug: h.name for h in hoods}
    where = place or (found.value if found else None)
    pool = city_index(session, encoder, city, today)
    # The offers that could take a question now (active, places left).
    open_offers = [
        o for o in pool.index.offers if o.is_active and o.remaining_capacity > 0
    ]
    question = draft_input(
        title=draft.title,
        description=draft.description,
        themes=draft.themes,
        levels=[str(lv) for lv in draft.levels],
        neighbourhood=where,
        wanted_from=draft.wanted_from,
        wanted_until=draft.wanted_until,
    )
    has_text = bool(f"{draft.title}{draft.description}".strip())
    vector = (
        encoder.encode_queries([question_text(question)])[0]
        if encoder is not None and has_text
        else None
    )
    hints = draft_hints(
        draft.title,
        text,
        decision=draft.decision,
        expected_output=draft.expected_output,
        neighbourhood=where,
        themes_found=len(
            suggest_themes(draft.title, text, themes=list(themes), limit=10)
        ),
        wanted_until=draft.wanted_until,
        today=today,
        windows=[
            # The index holds each offer's current edition (a yearly one's next).
            OfferWindow(o.available_from, o.available_until, o.intake_deadline)
            for o in open_offers
            if _level_ok(str(o.level), draft.levels)
        ],
    )
    packages: list[PackageRead] = []
    similar: list[SimilarRead] = []
    if has_text:
        ranking = rank(
            question,
            vector,
            pool.index,
            reference_date=today,
            config=DEFAULT_CONFIG,
            limit=_POOL,
            excluded_limit=0,
        )
        packages = _packages(session, ranking, open_offers, draft.levels)
        similar = _similar(session, encoder, question, vector, city, user=user)
    return AssistRead(
        themes=[
            SuggestionRead(
                value=s.value,
                label=themes[s.value],
                reason=s.reason,
                chosen=s.value in draft.themes,
            )
            for s in theme_hits
        ],
        levels=[
            SuggestionRead(
                value=s.value,
                label=label(Level, s.value),
                reason=s.reason,
                chosen=s.value in draft.levels,
            )
            for s in suggest_levels(draft.title, text)
        ],
        neighbourhood=None
        if found is None
        else SuggestionRead(
            value=found.value,
            label=hood_names[found.value],
            reason=found.reason,
            chosen=place == found.value,
        ),
        similar=similar,
        hints=[HintRead(code=h.code, text=h.text) for h in hints],
        packages=packages,
        engine_version=DEFAULT_CONFIG.version,
        warning=None if encoder else LEXICAL_WARNING,
    )


def _chosen_place(hoods: Sequence[Neighbourhood], name: str | None) -> str | None:
    if not name:
        return None
    hood = match_neighbourhood(hoods, name)
    return hood.slug if hood else None


def _level_ok(level: str, levels: Sequence[str]) -> bool:
    return not levels or level in levels


def _packages(
    session: Session,
    ranking: Ranking,
    offers: Sequence[OfferInput],
    levels: Sequence[str],
) -> list[PackageRead]:
    hits = {c.offer_id: c for c in ranking.candidates}
    parts = team_of(ranking, offers, [str(lv) for lv in levels])
    by_id = ranking_repository.offers_by_id(
        session, [i for part in parts for i in part.offer_ids]
    )
    out = []
    for part in parts:
        chosen = [by_id[i] for i in part.offer_ids]
        out.append(
            PackageRead(
                level=str(part.level),
                role=part.role,
                why=f"{label(Level, str(part.level))}: {part.role}. "
                f"Beste aanbod nu: {chosen[0].title} ({chosen[0].institution.name}).",
                offers=[
                    TeamOfferRead(
                        offer=OfferSummary.model_validate(o),
                        score=hits[str(o.id)].score,
                        explanation=hits[str(o.id)].explanation,
                    )
                    for o in chosen
                ],
            )
        )
    return out


def _similar(
    session: Session,
    encoder: Encoder | None,
    question: QuestionInput,
    vector: F32 | None,
    city: uuid.UUID,
    *,
    user: User,
) -> list[SimilarRead]:
    others = repository.earlier_questions(session, city)
    if not others:
        return []
    other_vectors = (
        stored_similarity_vectors(session, encoder, None, others)[1]
        if vector is not None
        else None
    )
    indices, scores = similar_questions(
        vector if other_vectors is not None else None,
        other_vectors,
        target_text=question_text(question),
        other_texts=[question_text_of(o) for o in others],
        limit=_SIMILAR,
    )
    chosen: list[Question] = [others[i] for i in indices.tolist()]
    outcomes: dict[uuid.UUID, list[str]] = {q.id: [] for q in chosen}
    done_by: dict[uuid.UUID, list[str]] = {q.id: [] for q in chosen}
    # A split question's work is done by its parts: it counts as its own.
    story = {q.id: q.id for q in chosen}
    story.update(repository.parts_of(session, list(story)))
    for m in match_repository.list_for_questions(session, list(story)):
        if m.status == MatchStatus.COMPLETED:
            shown = story[m.question_id]
            done_by[shown].append(f"{m.offer.title} ({m.offer.institution.name})")
            if m.outcome_summary:
                outcomes[shown].append(m.outcome_summary)
    # Staff names go to the city's own staff and broker only (the callers here).
    show_names = user.role in (Role.STAFF, Role.BROKER)
    return [
        SimilarRead(
            id=q.id,
            title=q.title,
            status=q.status,
            similarity=round(float(s), 4),
            created_at=q.created_at,
            department=q.department,
            owner_name=q.owner.name if show_names else None,
            outcomes=outcomes[q.id],
            done_by=done_by[q.id],
        )
        for q, s in zip(chosen, scores.tolist(), strict=True)
    ]
