from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from matching.vocabulary import (
    THEMES,
    ConceptMatcher,
    default_matcher,
    load_concepts,
)

TINY = json.dumps(
    {
        "concepts": [
            {
                "id": "armoede",
                "label": "armoede",
                "themes": ["sociaal-domein"],
                "terms": ["*armoede", "poverty", "laag inkomen"],
            },
            {
                "id": "roken",
                "label": "roken",
                "themes": ["gezondheid-welzijn"],
                "terms": ["rook*", "e-sigaret*"],
            },
            {
                "id": "hitte",
                "label": "hitte",
                "themes": ["duurzaamheid-biodiversiteit", "gezondheid-welzijn"],
                "terms": ["urban heat", "*hitte*"],
            },
        ]
    }
)


@pytest.fixture
def matcher():
    return ConceptMatcher(load_concepts(TINY))


def _ids(matcher: ConceptMatcher, text: str) -> set[str]:
    matrix = matcher.matrix([text])
    return {matcher.concepts[i].id for i in matrix.indices}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kinderarmoede in de wijk", {"armoede"}),  # compound head
        ("energy poverty", {"armoede"}),  # exact word
        ("gezinnen met een laag inkomen", {"armoede"}),  # phrase
        ("Rookvrije schoolpleinen", {"roken"}),  # prefix
        ("Gebruik van e-sigaretten", {"roken"}),  # hyphenated phrase
        ("Hitteplan en hittestress", {"hitte"}),  # infix
        ("Urban Heat Islands", {"hitte"}),  # multi-word, folded
        ("Een gewone zin", set()),
    ],
)
def test_matcher_patterns(matcher, text, expected):
    assert _ids(matcher, text) == expected


def test_matcher_counts_mentions(matcher):
    matrix = matcher.matrix(["armoede en kinderarmoede en poverty"])
    assert matrix.toarray()[0, 0] == 3


def test_phrase_needs_consecutive_tokens(matcher):
    assert _ids(matcher, "laag en inkomen") == set()


def test_theme_matrix_rows_sum_to_one(matcher):
    themes = matcher.theme_matrix()
    assert themes.shape == (3, len(THEMES))
    np.testing.assert_allclose(themes.sum(axis=1), 1.0)


def test_packaged_vocabulary_is_well_formed():
    concepts = load_concepts()
    ids = [c.id for c in concepts]
    assert len(ids) == len(set(ids))
    assert len(concepts) >= 100
    for concept in concepts:
        assert set(concept.themes) <= set(THEMES), concept.id
        assert concept.terms, concept.id


def test_packaged_vocabulary_carries_no_weights():
    # a concept's weight is its IDF over the offer pool (matching.features)
    raw = json.loads(
        resources.files("matching").joinpath("data/concepts.json").read_text("utf-8")
    )
    assert all(
        set(item) == {"id", "label", "themes", "terms"} for item in raw["concepts"]
    )


def test_packaged_vocabulary_bridges_dutch_and_english():
    matcher = default_matcher()
    nl = _ids(matcher, "Eenzaamheid onder ouderen")
    en = _ids(matcher, "Loneliness among older adults")
    assert {"eenzaamheid", "ouderen"} <= nl & en


def test_debt_is_not_guilt():
    matcher = default_matcher()
    assert "schulden" in _ids(matcher, "Jongeren met schulden")
    assert "schulden" not in _ids(matcher, "Het schuldbeginsel in het strafrecht")


@pytest.mark.parametrize(
    ("concept", "means_it", "means_something_else"),
    [
        ("handhaving", "De politieagent in de wijk", "Politieke partijen in de raad"),
        ("mobiliteit", "Drukte op het treinstation", "Een training voor vrijwilligers"),
        ("fiets", "Veilig cycling naar school", "Een vaste cyclus van overleg"),
        ("musea-collecties", "De collectie van het museum", "Een collectieve aanpak"),
        ("water", "Boten op de trekvaart", "Wij willen vaart maken met de wijk"),
        ("stages", "Stageplekken voor mbo-studenten", "Het intern overleg"),
        ("stedenband", "Een erasmus uitwisseling", "Onderzoekers van Erasmus"),
        ("evaluatie", "Wat werkt tegen eenzaamheid?", "Wij werken samen met bewoners"),
        ("erfgoed", "Een monumentenvergunning", "Een vergunning voor een terras"),
        ("kunst-cultuur", "Kunst in de openbare ruimte", "State of the art methoden"),
    ],
)
def test_a_term_with_another_meaning_does_not_name_the_concept(
    concept, means_it, means_something_else
):
    """False friends: a prefix that runs into another word, a homograph, or a word
    too common to mean the concept would bring in offers on the wrong subject."""
    matcher = default_matcher()
    assert concept in _ids(matcher, means_it)
    assert concept not in _ids(matcher, means_something_else)
