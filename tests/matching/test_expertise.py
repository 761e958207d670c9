"""The discipline bridge: hand-worked expertise profiles, needs and scores."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from matching.expertise import ExpertiseIndex, default_expertise, load_expertise

TINY = load_expertise(
    json.dumps(
        {
            "expertise": [
                {
                    "id": "survey",
                    "label": "enquêtes",
                    "kind": "method",
                    "offer_terms": ["enquete*", "survey*"],
                    "question_terms": ["hoeveel"],
                },
                {
                    "id": "design",
                    "label": "ontwerpen",
                    "kind": "discipline",
                    "offer_terms": ["ontwerp*"],
                    "question_terms": ["ideeen"],
                },
                {
                    "id": "law",
                    "label": "recht",
                    "kind": "discipline",
                    "offer_terms": ["juridisch*"],
                    "question_terms": ["regels"],
                },
            ]
        }
    )
)
OFFERS = [
    "Studenten doen een enquête onder bewoners",
    "Ontwerpstudio voor de wijk",
    "Juridisch spreekuur",
    "Ontwerp en enquête",
]


@pytest.fixture
def index() -> ExpertiseIndex:
    return ExpertiseIndex.build(OFFERS, entries=TINY)


def test_offer_profiles_weigh_each_expertise_by_its_idf(index):
    # n = 4: survey and design are each named by 2 offers, idf ln(5/3) = 0.511;
    # law by 1, idf ln(5/2) = 0.916. Offer 3 names two equally rare ones.
    np.testing.assert_allclose(index.idf, [0.5108, 0.5108, 0.9163], atol=1e-4)
    np.testing.assert_allclose(
        index.profiles,
        [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.7071, 0.7071, 0]],
        atol=1e-4,
    )


def test_the_need_is_what_the_question_text_signals(index):
    np.testing.assert_allclose(index.need("Hoeveel bewoners doen mee?"), [1, 0, 0])
    np.testing.assert_allclose(
        index.need("Hoeveel mensen, en welke ideeën hebben ze?"), [0.5, 0.5, 0]
    )
    assert not index.need("Een gewone zin").any()


def test_offers_with_the_needed_expertise_come_first(index):
    # need survey only: raw evidence [1, 0, 0, 0.707]
    scores = index.scores(index.need("Hoeveel bewoners doen mee?"))
    assert scores is not None
    assert np.argsort(-scores, kind="stable").tolist() == [0, 3, 1, 2]
    assert scores[1] == pytest.approx(scores[2])
    assert np.all((scores > 0) & (scores < 1))
    # need survey and design: raw [0.5, 0.5, 0, 0.707], the offer with both wins
    both = index.scores(index.need("Hoeveel mensen, en welke ideeën?"))
    assert both is not None
    assert int(np.argmax(both)) == 3
    assert both[0] == pytest.approx(both[1])
    assert both[2] < both[0]


def test_no_signalled_need_gives_no_evidence(index):
    assert index.scores(index.need("Een gewone zin")) is None


def test_no_offer_with_the_needed_expertise_gives_no_evidence():
    index = ExpertiseIndex.build(["Ontwerpstudio"], entries=TINY)
    assert index.scores(index.need("Welke regels gelden hier?")) is None


def test_shared_names_the_expertise_that_links_question_and_offer(index):
    need = index.need("Hoeveel mensen, en welke ideeën?")
    assert [e.id for e in index.shared(need, 3)] == ["survey", "design"]
    assert [e.id for e in index.shared(need, 2)] == []


def test_packaged_vocabulary_is_well_formed_and_weightless():
    entries = default_expertise()
    ids = [e.id for e in entries]
    assert len(ids) == len(set(ids))
    assert 30 <= len(entries) <= 60
    assert {e.kind for e in entries} == {"discipline", "method"}
    assert all(e.offer_terms and e.question_terms for e in entries)
    raw = json.loads(
        resources.files("matching").joinpath("data/expertise.json").read_text("utf-8")
    )
    keys = {"id", "label", "kind", "offer_terms", "question_terms"}
    assert all(set(item) == keys for item in raw["expertise"])  # no weights


def test_packaged_vocabulary_bridges_a_problem_to_a_discipline():
    index = ExpertiseIndex.build(
        [
            "Sociale psychologie: onderzoek naar gedragsverandering en motivatie.",
            "Logistiek van afvalinzameling: routes en containers.",
        ]
    )
    scores = index.scores(
        index.need("Waarom scheiden bewoners hun afval niet? Hoe verleiden we hen?")
    )
    assert scores is not None
    assert scores[0] > scores[1]


@pytest.mark.parametrize(
    ("expertise", "offer_that_has_it", "offer_that_does_not"),
    [
        (
            "toerisme-leisure",
            "Wij organiseren events",
            "Eventuele vragen beantwoorden wij",
        ),
        ("marketing", "Een merkstrategie voor de stad", "Je merkt het verschil"),
        ("geschiedenis-erfgoed", "Onderzoek in de collectie", "Een collectieve aanpak"),
    ],
)
def test_an_offer_word_with_another_meaning_is_no_expertise(
    expertise, offer_that_has_it, offer_that_does_not
):
    entries = default_expertise()
    column = [e.id for e in entries].index(expertise)
    index = ExpertiseIndex.build(
        [offer_that_has_it, offer_that_does_not], entries=entries
    )
    assert index.profiles[0, column] > 0
    assert index.profiles[1, column] == 0


def test_of_course_is_no_need_for_ecology():
    """*natuurlijk* is "of course" far more often than "natural"."""
    entries = default_expertise()
    index = ExpertiseIndex.build(["Ecologie"], entries=entries)
    column = [e.id for e in entries].index("groen-ecologie")
    assert index.need("Meer natuur in de wijk")[column] > 0
    assert index.need("Natuurlijk willen we dat bewoners meedoen")[column] == 0
