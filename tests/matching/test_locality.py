"""Locality: places named in Dutch text, institutions' campus cities, evidence."""

from __future__ import annotations

import numpy as np
import pytest

from matching.locality import LocalityIndex, default_gazetteer
from matching.pipeline import OfferIndex, evidence
from tests.matching._factories import offer, question


def _cities(text: str) -> set[str]:
    gaz = default_gazetteer()
    return {gaz.municipalities[i] for i in gaz.find(text).municipalities}


@pytest.mark.parametrize(
    ("text", "city"),
    [
        ("Overlast in Den Haag Zuidwest", "Den Haag"),
        ("De gemeente 's-Gravenhage vraagt", "Den Haag"),
        ("Bewoners van Den Bosch", "'s-Hertogenbosch"),
        ("Waar komt het plastic in de Leidse grachten vandaan?", "Leiden"),
        ("Spanning tussen studenten en bewoners in Kralingen", "Rotterdam"),
        ("Wat maakt Tilburgers gelukkig?", "Tilburg"),
        ("Geleen-Zuid vitaler maken", "Sittard-Geleen"),
        ("Armoede in Súdwest-Fryslân", "Súdwest-Fryslân"),
        ("Woningbouw langs het Alkmaars Kanaal", "Alkmaar"),  # uninflected -s
        ("Het Haags beleid voor de binnenstad", "Den Haag"),
    ],
)
def test_find_names_the_municipality(text, city):
    assert city in _cities(text)


def test_find_ignores_common_words_and_lowercase():
    assert _cities("Buren klagen over lawaai.") == set()
    assert _cities("Een gronings woord, een leids gebruik.") == set()
    assert _cities("De best passende aanpak voor de buren.") == set()
    assert _cities("Inwoners van de gemeente Buren klagen.") == {"Buren"}


def test_find_regions_and_provinces():
    gaz = default_gazetteer()
    places = gaz.find("Jongeren in Twente en in Zeeland")
    assert {gaz.regions[r] for r in places.regions} == {"Twente"}
    assert {gaz.provinces[p] for p in places.provinces} == {"Zeeland"}


def test_institutions_bring_their_campus_cities():
    gaz = default_gazetteer()
    places = gaz.find("Hogeschool Inholland", campus_weight=0.5)
    weights = {gaz.municipalities[i]: w for i, w in places.municipalities.items()}
    assert weights["Haarlem"] == 1.0  # the main campus
    assert weights["Rotterdam"] == 0.5
    assert places.named == frozenset()  # campuses are not places the text names
    pinned = gaz.find("Inholland Delft, met studenten uit Nieuw-West")
    assert {gaz.municipalities[i] for i in pinned.named} == {"Delft"}


def test_an_offer_that_names_its_place_is_not_local_to_every_campus():
    index = LocalityIndex.build(
        [
            "Kenniswerkplaats Den Helder: studenten werken een half jaar in een wijk.",
            "Studenten werken in projectgroepen voor een opdrachtgever.",
        ],
        ["Hogeschool Inholland", "Hogeschool Inholland"],
    )
    amsterdam = index.scores(index.question_places("Jongeren in Amsterdam-Noord"))
    den_helder = index.scores(index.question_places("Ouderen in Den Helder"))
    assert amsterdam is not None
    assert den_helder is not None
    assert den_helder[0] == 1.0
    # A campus city the text does not name counts campus_weight (0.5) times
    # what it counts for the same institution's offer that names no place.
    assert amsterdam[0] == 0.5 * amsterdam[1]
    assert amsterdam[1] > 0


def _weights(text: str) -> dict[str, float]:
    gaz = default_gazetteer()
    return {gaz.municipalities[i]: w for i, w in gaz.find(text).municipalities.items()}


def test_a_district_name_two_cities_share_is_resolved_or_split():
    # Nieuw-West is a district of Amsterdam and of Nijmegen.
    assert _weights("Het plein in Nieuw-West verandert") == {
        "Amsterdam": 0.5,
        "Nijmegen": 0.5,
    }
    assert _weights("Het plein in Nieuw-West, Amsterdam") == {"Amsterdam": 1.0}
    assert _weights("Nieuw-West in Noord-Holland") == {"Amsterdam": 1.0}


def test_a_weakly_named_city_counts_with_its_weight():
    index = LocalityIndex.build(
        ["Onderzoek in Amsterdam", "Onderzoek in Nijmegen", "Onderzoek in Leiden"],
        ["", "", ""],
    )
    split = index.scores(index.question_places("Het plein in Nieuw-West"))
    named = index.scores(index.question_places("Het plein in Amsterdam Nieuw-West"))
    assert split is not None
    assert named is not None
    assert split.tolist() == pytest.approx([0.5, 0.5, 0.0])
    assert named.tolist()[0] == 1.0
    assert named.tolist()[1] < 0.5


def test_scores_same_city_region_province_and_unknown():
    texts = [
        "Onderzoek in Leiden",  # same city
        "Studenten in Katwijk",  # same region (Holland Rijnland)
        "Praktijk in Delft",  # same province
        "Veldwerk in Groningen",  # elsewhere
        "Een opdracht zonder plaats",  # unknown
    ]
    index = LocalityIndex.build(texts, [""] * 5)
    scores = index.scores(index.question_places("Eenzaamheid in de Leidse Merenwijk"))
    assert scores is not None
    assert scores[:4].tolist() == [1.0, 0.5, 0.25, 0.0]
    assert index.known.tolist() == [True, True, True, True, False]
    assert index.scores(index.question_places("Een vraag zonder plaats")) is None


def test_strength_is_small_when_the_pool_is_local():
    local = LocalityIndex.build(["In Leiden"] * 9 + ["In Delft"], [""] * 10)
    mixed = LocalityIndex.build(["In Leiden"] + ["In Groningen"] * 19, [""] * 20)
    places = local.question_places("Vraag uit Leiden")
    local_scores, mixed_scores = local.scores(places), mixed.scores(places)
    assert local_scores is not None
    assert mixed_scores is not None
    weak = local.strength(local_scores, 0.1)
    full = mixed.strength(mixed_scores, 0.1)
    assert weak < 0.1
    assert full == 1.0


def test_pipeline_locality_is_absent_without_places():
    offers = [
        offer("ul", institution="Universiteit Leiden"),
        offer("rug", institution="Rijksuniversiteit Groningen"),
        offer("x"),
    ]
    index = OfferIndex.build(offers, None)
    found = evidence(question(description="Een vraag uit Groningen."), None, index)
    assert found.components["locality"].tolist()[:2] == [0.0, 1.0]
    assert found.present["locality"].tolist() == [True, True, False]
    plain = evidence(question(description="Een vraag."), None, index)
    assert "locality" not in plain.components
    assert np.isfinite(plain.fused(index.config)).all()
