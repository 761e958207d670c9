from __future__ import annotations

import dataclasses

import numpy as np
import numpy.typing as npt
import pytest

from matching.config import DEFAULT_CONFIG, MatchConfig
from matching.dense import center_languages, languages_of
from matching.encoders import HashingEncoder
from matching.errors import InvalidQueryError
from matching.pipeline import OfferIndex, offer_text, question_text, rank, score_offer
from matching.types import QuestionInput, Ranking
from tests.matching._factories import REFERENCE, offer, question, unit_vectors

OFFERS = [
    offer(
        "heat",
        title="Urban heat islands",
        description="Mapping hot spots and cooling with trees and shade.",
        level="wo",
        themes=("duurzaamheid-biodiversiteit",),
    ),
    offer(
        "heat-full",
        title="Hittestress in de stad",
        description="Metingen van hitte in versteende straten.",
        remaining_capacity=0,
    ),
    offer(
        "bikes",
        title="Fietsparkeren bij het station",
        description="Waarom zetten reizigers hun fiets buiten de stalling?",
    ),
    offer(
        "heat-noord",
        title="Hitte in Leiden-Noord",
        description="Bewoners meten de hitte in hun straat.",
        neighbourhoods=("leiden-noord",),
    ),
]
HEAT_QUESTION = question(
    title="Hitteplan voor de binnenstad",
    description="Waar liggen de heetste plekken tijdens een hittegolf?",
    themes=("duurzaamheid-biodiversiteit",),
)
# Hand-made embeddings: axis 0 = heat, axis 1 = bikes.
VECTORS = unit_vectors([1, 0.1], [1, 0.2], [0.1, 1], [0.9, 0.3])
Q_VECTOR = unit_vectors([1, 0])[0]
NO_SHIFT = dataclasses.replace(DEFAULT_CONFIG, dense_language_shrink=0.0)


def _rank(
    q: QuestionInput = HEAT_QUESTION,
    vector: npt.NDArray[np.float32] | None = Q_VECTOR,
    vectors: npt.NDArray[np.float32] | None = VECTORS,
    config: MatchConfig = NO_SHIFT,
    limit: int = 10,
    excluded_limit: int = 5,
) -> Ranking:
    index = OfferIndex.build(OFFERS, vectors, config)
    return rank(
        q,
        vector,
        index,
        reference_date=REFERENCE,
        config=config,
        limit=limit,
        excluded_limit=excluded_limit,
    )


def test_relevant_offers_come_first_and_rule_breakers_are_excluded():
    ranking = _rank()
    ids = [c.offer_id for c in ranking.candidates]
    assert ids[0] == "heat"
    assert ids[-1] == "bikes"
    assert "heat-full" not in ids
    assert "heat-noord" not in ids  # tied to another neighbourhood


def test_exclusions_carry_rule_label_and_are_ordered_by_score():
    ranking = _rank()
    excluded = {e.offer_id: e for e in ranking.excluded}
    assert excluded["heat-full"].rule == "capacity"
    assert excluded["heat-full"].label == "capaciteit vol"
    assert excluded["heat-noord"].rule == "place"
    assert excluded["heat-noord"].label == "andere wijk"
    scores = [e.score for e in ranking.excluded]
    assert scores == sorted(scores, reverse=True)


def test_same_neighbourhood_offer_is_admitted_and_explained():
    q = dataclasses.replace(HEAT_QUESTION, neighbourhood="leiden-noord")
    ranking = _rank(q)
    noord = next(c for c in ranking.candidates if c.offer_id == "heat-noord")
    assert noord.components["place"] == 1.0
    assert "zelfde wijk" in noord.reasons


def test_level_rule_excludes_with_its_label():
    q = dataclasses.replace(HEAT_QUESTION, levels=("hbo",))
    excluded = {e.offer_id: e for e in _rank(q).excluded}
    assert excluded["heat"].label == "niveau past niet"


def test_candidates_have_components_in_unit_range_and_an_explanation():
    ranking = _rank()
    for candidate in ranking.candidates:
        assert 0.0 <= candidate.score <= 1.0
        assert set(candidate.components) >= {
            "dense",
            "concept",
            "theme",
            "place",
            "window",
        }
        assert all(0.0 <= v <= 1.0 for v in candidate.components.values())
        assert candidate.reasons
        assert candidate.explanation.endswith(".")
    # words are only compared within one language: the Dutch question has lexical
    # evidence for the Dutch offer, none for the English one
    by_id = {c.offer_id: c for c in ranking.candidates}
    assert "lexical" in by_id["bikes"].components
    assert "lexical" not in by_id["heat"].components


def test_without_vectors_the_pipeline_still_ranks():
    ranking = _rank(vector=None, vectors=None)
    assert ranking.candidates[0].offer_id == "heat"
    assert "dense" not in ranking.candidates[0].components


def test_question_vector_without_offer_vectors_is_ignored():
    ranking = _rank(vectors=None)
    assert "dense" not in ranking.candidates[0].components


def test_limits():
    ranking = _rank(limit=1, excluded_limit=1)
    assert len(ranking.candidates) == 1
    assert len(ranking.excluded) == 1
    with pytest.raises(InvalidQueryError):
        _rank(limit=-1)


def test_ties_are_broken_by_offer_id():
    offers = [offer("b"), offer("a"), offer("c")]
    index = OfferIndex.build(offers, None)
    ranking = rank(question(), None, index, reference_date=REFERENCE)
    assert [c.offer_id for c in ranking.candidates] == ["a", "b", "c"]


def test_ranking_is_deterministic():
    assert _rank() == _rank()


def test_empty_offer_set():
    index = OfferIndex.build([], None)
    ranking = rank(question(), None, index, reference_date=REFERENCE)
    assert ranking.candidates == ()
    assert ranking.excluded == ()


def test_build_rejects_bad_input():
    with pytest.raises(InvalidQueryError, match="unique"):
        OfferIndex.build([offer("x"), offer("x")], None)
    with pytest.raises(InvalidQueryError, match="shape"):
        OfferIndex.build(OFFERS, VECTORS[:2])
    index = OfferIndex.build(OFFERS, VECTORS, NO_SHIFT)
    with pytest.raises(InvalidQueryError, match="dimension"):
        rank(HEAT_QUESTION, np.ones(3, np.float32), index, reference_date=REFERENCE)


def test_works_with_the_hashing_encoder():
    encoder = HashingEncoder(64)
    vectors = encoder.encode_passages([offer_text(o) for o in OFFERS])
    q_vector = encoder.encode_queries([question_text(HEAT_QUESTION)])[0]
    index = OfferIndex.build(OFFERS, vectors)
    ranking = rank(HEAT_QUESTION, q_vector, index, reference_date=REFERENCE)
    assert {c.offer_id for c in ranking.candidates} == {"heat", "bikes"}


def test_texts_are_deterministic_and_joined():
    o = offer(title="  Titel  ", description="Regel een.\n  Regel twee. ")
    assert offer_text(o) == "Titel. Regel een. Regel twee."
    q = question(title="Waarom?", description="Omdat.")
    assert question_text(q) == "Waarom? Omdat."
    assert (
        question_text(question(title="", description="Alleen tekst")) == "Alleen tekst"
    )


def test_center_languages_removes_the_language_offset():
    texts = ["De gemeente en de wijk", "De buurt en het park", "The city and the park"]
    vectors = unit_vectors([1, 0, 1], [1, 0.2, 1], [0, 1, 1])
    centred = center_languages(vectors, languages_of(texts), shrink=0.0)
    np.testing.assert_allclose(np.linalg.norm(centred, axis=1), 1.0, rtol=1e-5)
    before = vectors[0] @ vectors[2]
    after = centred[0] @ centred[2]
    assert after > before


def test_score_offer_equals_the_ranked_candidate():
    index = OfferIndex.build(OFFERS, VECTORS, NO_SHIFT)
    ranking = rank(
        HEAT_QUESTION, Q_VECTOR, index, reference_date=REFERENCE, config=NO_SHIFT
    )
    for candidate in ranking.candidates:
        alone = score_offer(
            HEAT_QUESTION,
            Q_VECTOR,
            index,
            candidate.offer_id,
            reference_date=REFERENCE,
            config=NO_SHIFT,
        )
        assert alone == candidate
    assert (
        score_offer(
            HEAT_QUESTION, Q_VECTOR, index, "heat-full", reference_date=REFERENCE
        )
        is None
    )
    with pytest.raises(InvalidQueryError):
        score_offer(HEAT_QUESTION, Q_VECTOR, index, "nope", reference_date=REFERENCE)


def test_with_availability_refreshes_rules_and_keeps_the_text_models():
    index = OfferIndex.build(OFFERS, VECTORS, NO_SHIFT)
    freed = [dataclasses.replace(o, remaining_capacity=2) for o in OFFERS]
    refreshed = index.with_availability(freed)
    assert refreshed.lexical is index.lexical
    assert refreshed.topics is index.topics
    ids = [
        c.offer_id
        for c in rank(
            HEAT_QUESTION, Q_VECTOR, refreshed, reference_date=REFERENCE
        ).candidates
    ]
    assert "heat-full" in ids
    rebuilt = OfferIndex.build(freed, VECTORS, NO_SHIFT)
    assert rank(
        HEAT_QUESTION, Q_VECTOR, refreshed, reference_date=REFERENCE, config=NO_SHIFT
    ) == rank(
        HEAT_QUESTION, Q_VECTOR, rebuilt, reference_date=REFERENCE, config=NO_SHIFT
    )
    with pytest.raises(InvalidQueryError):
        index.with_availability(list(reversed(freed)))


def test_the_discipline_bridge_ranks_the_offer_with_the_needed_method_first():
    # No offer shares a word or concept with the question; only one offers the
    # method the question asks for ("hoeveel": how many, a survey).
    offers = [
        offer(
            "design", title="Ontwerpstudio", description="Studenten tekenen plannen."
        ),
        offer(
            "survey",
            title="Enquêteproject",
            description="Studenten maken een vragenlijst.",
        ),
        offer("texts", title="Schrijfles", description="Studenten schrijven verhalen."),
    ]
    q = question(title="Meedoen", description="Hoeveel mensen doen mee?")
    config = dataclasses.replace(DEFAULT_CONFIG, w_expertise=0.1)
    index = OfferIndex.build(offers, None, config)
    ranking = rank(q, None, index, reference_date=REFERENCE, config=config)
    assert ranking.candidates[0].offer_id == "survey"
    top, rest = ranking.candidates[0], ranking.candidates[1:]
    assert all(top.components["expertise"] > c.components["expertise"] for c in rest)
    assert "expertise past: enquêtes en kwantitatief onderzoek" in top.reasons


def test_no_expertise_component_when_the_question_signals_no_need():
    index = OfferIndex.build(OFFERS, VECTORS, NO_SHIFT)
    q = question(title="Vraag", description="Een zin zonder aanwijzing.")
    ranking = rank(q, Q_VECTOR, index, reference_date=REFERENCE, config=NO_SHIFT)
    assert all("expertise" not in c.components for c in ranking.candidates)


def test_updated_ranks_as_a_build_of_the_changed_offer_set():
    index = OfferIndex.build(OFFERS, VECTORS, NO_SHIFT)
    rewritten = dataclasses.replace(
        OFFERS[2],
        title="Hitte en schaduw",
        description="Waar koelen bomen de straat tijdens een hittegolf?",
    )
    added = offer("shade", title="Schaduwkaart", description="Bomen en hitte.")
    changed_vectors = unit_vectors([1, 0.05], [0.95, 0.1])
    updated = index.updated([rewritten, added], changed_vectors, removed=["heat-noord"])
    expected = OfferIndex.build(
        [OFFERS[0], OFFERS[1], rewritten, added],
        np.vstack([VECTORS[0], VECTORS[1], changed_vectors]),
        NO_SHIFT,
    )
    assert [o.id for o in updated.offers] == ["heat", "heat-full", "bikes", "shade"]
    assert rank(
        HEAT_QUESTION, Q_VECTOR, updated, reference_date=REFERENCE, config=NO_SHIFT
    ) == rank(
        HEAT_QUESTION, Q_VECTOR, expected, reference_date=REFERENCE, config=NO_SHIFT
    )
    with pytest.raises(InvalidQueryError):
        index.updated([added], None)
    assert len(index.updated([], None, removed=["bikes", "nobody"])) == 3


def test_a_city_s_own_buurt_names_count_as_naming_its_neighbourhood():
    """A city that joined later: its buurt aliases, not Leiden's, mark a place."""
    utrecht = {"zuidwest": ("Zuidwest", "Kanaleneiland", "Transwijk")}
    offers = [
        offer("named", description="Studenten werken met bewoners in Kanaleneiland."),
        offer("elsewhere", description="Studenten werken met bewoners in de stad."),
    ]
    q = question(neighbourhood="zuidwest")

    def place(index: OfferIndex) -> dict[str, float]:
        ranked = rank(q, None, index, reference_date=REFERENCE)
        return {c.offer_id: c.components["place"] for c in ranked.candidates}

    own = OfferIndex.build(offers, None, neighbourhood_names=utrecht)
    assert place(own) == {"named": 0.5, "elsewhere": 0.0}
    assert (
        "noemt de wijk"
        in rank(q, None, own, reference_date=REFERENCE).candidates[0].reasons
    )
    # The names stay with the index through an update.
    moved = dataclasses.replace(offers[1], description="Ook actief in Transwijk.")
    assert place(own.updated([moved], None)) == {"named": 0.5, "elsewhere": 0.5}
    # Without them only Leiden's packaged names are known.
    assert place(OfferIndex.build(offers, None)) == {"named": 0.0, "elsewhere": 0.0}
