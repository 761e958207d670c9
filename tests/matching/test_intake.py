"""Pure intake help: themes, place, levels, hints and the team (matching.intake)."""

from __future__ import annotations

from datetime import date

from matching.intake import (
    OfferWindow,
    draft_hints,
    find_neighbourhood,
    propose_team,
    suggest_levels,
    suggest_themes,
)
from matching.types import Level, Ranking, ScoredCandidate
from matching.vocabulary import THEMES

NAMES = {
    "merenwijk": ("Merenwijk", ("Slaaghwijk", "Kopermolen")),
    "leiden-noord": ("Leiden-Noord", ("De Kooi",)),
}
TODAY = date(2027, 1, 15)


def test_themes_read_inflected_adjectives():
    found = suggest_themes("Eenzame ouderen", "", themes=THEMES)
    assert "gezondheid-welzijn" in [s.value for s in found]
    assert "eenzaamheid" in found[0].reason


def test_a_buurt_resolves_to_its_district_first_mention_wins():
    hit = find_neighbourhood("Ouderen in de Slaaghwijk", "en ook De Kooi", NAMES)
    assert hit is not None
    assert hit.value == "merenwijk"
    assert "Slaaghwijk" in hit.reason
    assert find_neighbourhood("Iets in de stad", "", NAMES) is None


def test_levels_follow_the_kind_of_work():
    levels = [s.value for s in suggest_levels("Onderzoek waarom", "en analyse")]
    assert levels[0] == "wo"
    assert suggest_levels("Eén zin", "") == []


def test_a_vague_draft_gets_concrete_hints():
    codes = [
        h.code for h in draft_hints("Iets met duurzaamheid in de stad", "", today=TODAY)
    ]
    assert codes == ["no_decision", "no_output", "no_place_or_group", "too_broad"]


def test_deadline_hint_when_no_offer_can_start_in_time():
    late = [OfferWindow(date(2027, 9, 1), date(2028, 1, 31), None)]
    closed = [OfferWindow(date(2027, 2, 1), date(2027, 6, 30), date(2027, 1, 1))]
    for windows in (late, closed):
        hints = draft_hints(
            "t", "d", wanted_until=date(2027, 6, 30), today=TODAY, windows=windows
        )
        assert "deadline" in [h.code for h in hints]
    fine = [OfferWindow(date(2027, 2, 1), date(2027, 6, 30), date(2027, 1, 31))]
    hints = draft_hints(
        "t", "d", wanted_until=date(2027, 6, 30), today=TODAY, windows=fine
    )
    assert "deadline" not in [h.code for h in hints]
    soon = draft_hints(
        "t", "d", wanted_until=date(2027, 2, 1), today=TODAY, windows=fine
    )
    assert "deadline" in [h.code for h in soon]


def test_team_groups_candidates_by_level_and_drops_weak_levels():
    ranking = Ranking(
        candidates=(
            ScoredCandidate("a", 0.8),
            ScoredCandidate("b", 0.7),
            ScoredCandidate("c", 0.6),
            ScoredCandidate("d", 0.3),
        ),
        excluded=(),
    )
    levels = {"a": Level.WO, "b": Level.HBO, "c": Level.WO, "d": Level.MBO}
    team = propose_team(ranking, levels)
    assert [(p.level, p.offer_ids) for p in team] == [
        (Level.WO, ("a", "c")),
        (Level.HBO, ("b",)),
    ]
    only_hbo = propose_team(ranking, levels, allowed=[Level.HBO, Level.MBO])
    assert [p.level for p in only_hbo] == [Level.HBO]
