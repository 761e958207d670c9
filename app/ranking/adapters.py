"""The one bridge between the database and the pure `matching` library.

ORM rows become `matching` dataclasses here, and every `matching` name the app uses is
imported here and nowhere else in `app/` (openreview-matcher's encode -> solve ->
decode split).
"""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from app.codes import OfferStatus
from app.config import Settings
from app.models import Offer, Question
from app.offers.editions import current_edition
from matching.allocation import AllocationResult, allocate
from matching.config import DEFAULT_CONFIG, MatchConfig
from matching.encoders import Encoder, load_encoder, text_hash
from matching.errors import EncoderError, MatchingError
from matching.filters import RULE_LABELS, check_offer, dutch_day, rule_label
from matching.focus import FOCUS_BOOST, with_focus
from matching.intake import (
    OfferWindow,
    TeamPart,
    draft_hints,
    find_neighbourhood,
    propose_team,
    suggest_levels,
    suggest_themes,
)
from matching.locality import Gazetteer, default_gazetteer
from matching.pipeline import OfferIndex, offer_text, question_text, rank, score_offer
from matching.similar import similar_questions
from matching.types import Level, OfferInput, OfferKind, QuestionInput, Ranking

__all__ = [
    "DEFAULT_CONFIG",
    "FOCUS_BOOST",
    "RULE_LABELS",
    "AllocationResult",
    "Encoder",
    "EncoderError",
    "Gazetteer",
    "MatchConfig",
    "MatchingError",
    "OfferIndex",
    "OfferInput",
    "OfferWindow",
    "QuestionInput",
    "Ranking",
    "TeamPart",
    "allocate",
    "broken_labels",
    "broken_rules",
    "city_gazetteer",
    "draft_hints",
    "draft_input",
    "dutch_day",
    "find_neighbourhood",
    "load_configured_encoder",
    "load_encoder_strict",
    "offer_input",
    "offer_text_of",
    "propose_team",
    "question_input",
    "question_text",
    "question_text_of",
    "rank",
    "score_offer",
    "similar_questions",
    "suggest_levels",
    "suggest_themes",
    "team_of",
    "text_hash",
    "with_focus",
]

logger = logging.getLogger(__name__)


def question_input(q: Question) -> QuestionInput:
    return QuestionInput(
        id=str(q.id),
        title=q.title,
        description=q.description,
        themes=tuple(t.slug for t in q.themes),
        levels=tuple(Level(level) for level in q.levels),
        neighbourhood=q.neighbourhood.slug if q.neighbourhood else None,
        wanted_from=q.wanted_from,
        wanted_until=q.wanted_until,
    )


def offer_input(o: Offer, today: date, city: uuid.UUID) -> OfferInput:
    """The offer as the engine sees it on `today` for a question of `city`: its
    current edition (yearly offers).

    District slugs are unique only within a city, so a district of another city
    than `city` is named `other-city/district`: it still ties the offer to that
    place, and never to `city`'s district of the same slug.
    """
    edition = current_edition(o, today)
    return OfferInput(
        id=str(o.id),
        kind=OfferKind(o.kind),
        title=o.title,
        description=o.description,
        level=Level(o.level),
        themes=tuple(t.slug for t in o.themes),
        neighbourhoods=tuple(
            n.slug if n.municipality_id == city else f"{n.municipality.slug}/{n.slug}"
            for n in o.neighbourhoods
        ),
        remaining_capacity=edition.remaining_capacity,
        available_from=edition.available_from,
        available_until=edition.available_until,
        is_active=o.status == OfferStatus.ACTIVE,
        institution=o.institution.name,
        intake_deadline=edition.intake_deadline,
    )


def draft_input(
    *,
    title: str,
    description: str,
    themes: Sequence[str],
    levels: Sequence[str],
    neighbourhood: str | None,
    wanted_from: date | None,
    wanted_until: date | None,
) -> QuestionInput:
    """A question not saved yet (intake help) as the engine sees it."""
    return QuestionInput(
        id="draft",
        title=title,
        description=description,
        themes=tuple(themes),
        levels=tuple(Level(level) for level in levels),
        neighbourhood=neighbourhood,
        wanted_from=wanted_from,
        wanted_until=wanted_until,
    )


def team_of(
    ranking: Ranking, offers: Sequence[OfferInput], allowed: Sequence[str]
) -> list[TeamPart]:
    """The ranking's candidates grouped by level into one proposed team."""
    return propose_team(
        ranking,
        {o.id: o.level for o in offers},
        allowed=[Level(level) for level in allowed],
    )


def question_text_of(q: Question) -> str:
    return question_text(question_input(q))


def offer_text_of(o: Offer) -> str:
    return offer_text(offer_input(o, date.min, o.municipality_id))


def broken_rules(q: Question, o: Offer, today: date) -> list[str]:
    """The hard rules this pair breaks, as rule codes (empty when it may be proposed)."""
    offer = offer_input(o, today, q.municipality_id)
    return list(check_offer(question_input(q), offer, today))


def broken_labels(q: Question, o: Offer, today: date) -> list[str]:
    """The Dutch labels of the rules this pair breaks (the intake names its date)."""
    offer = offer_input(o, today, q.municipality_id)
    return [rule_label(r, offer) for r in check_offer(question_input(q), offer, today)]


def city_gazetteer(districts: dict[str, list[str]]) -> Gazetteer:
    """The place tables with the districts and buurt names cities joined with."""
    return default_gazetteer().with_districts(districts)


def load_encoder_strict(settings: Settings) -> Encoder:
    """The configured encoder, loaded now; raises MatchingError when it cannot be."""
    return load_encoder_strict_from(settings.embedding_model, settings.model_dir)


def load_encoder_strict_from(model: str | None, model_dir: Path) -> Encoder:
    encoder = load_encoder(model, model_dir)
    try:
        encoder.encode_queries(["kennisbrug"])  # load now, not in the first request
    except (OSError, ValueError) as exc:
        raise EncoderError(f"cannot load {encoder.model_name}: {exc}") from exc
    return encoder


def load_configured_encoder(settings: Settings) -> Encoder | None:
    """The configured encoder, or None (lexical ranking) when it cannot be loaded.

    One per process and model: the app and the in-process job runner share it (the
    model takes about 1 GB of memory).
    """
    return _shared_encoder(settings.embedding_model, settings.model_dir)


@functools.lru_cache(maxsize=4)
def _shared_encoder(model: str | None, model_dir: Path) -> Encoder | None:
    try:
        encoder = load_encoder_strict_from(model, model_dir)
    except MatchingError as exc:
        logger.warning(
            "embedding model unavailable, ranking falls back to lexical: %s", exc
        )
        return None
    return encoder
