from __future__ import annotations

from collections.abc import Sequence

from matching.config import DEFAULT_CONFIG
from matching.explain import explain, join_reasons


def _explain(
    components: dict[str, float],
    shared: Sequence[str] = (),
    q_themes: tuple[str, ...] = (),
    o_themes: tuple[str, ...] = (),
) -> tuple[str, ...]:
    return explain(
        components,
        shared_concepts=list(shared),
        question_themes=q_themes,
        offer_themes=o_themes,
        config=DEFAULT_CONFIG,
    )


def test_strong_candidate_reasons_strongest_first():
    reasons = _explain(
        {"dense": 0.9, "lexical": 0.2, "concept": 0.95, "theme": 0.7, "place": 1.0},
        shared=["eenzaamheid", "ouderen"],
        q_themes=("gezondheid-welzijn",),
        o_themes=("gezondheid-welzijn", "sociaal-domein"),
    )
    assert reasons[0] == "sluit aan op eenzaamheid en ouderen"
    assert "inhoudelijk sterk verwant" in reasons
    assert "sluit aan op thema gezondheid, leefstijl en welzijn" in reasons
    assert "zelfde wijk" in reasons
    assert "thema wijkt af" not in reasons


def test_theme_mismatch_is_flagged_last():
    reasons = _explain(
        {"dense": 0.5, "concept": 0.0, "theme": 0.1},
        q_themes=("veiligheid",),
        o_themes=("erfgoed-cultuur",),
    )
    assert reasons == ("inhoudelijk verwant", "thema wijkt af")


def test_weak_candidate_still_gets_a_reason():
    assert _explain({"dense": 0.05, "concept": 0.0}) == ("zwak verwant",)


def test_named_neighbourhood_and_partial_window():
    reasons = _explain({"place": 0.5, "window": 0.3})
    assert "noemt de wijk" in reasons
    assert "beschikbaar in een deel van de gewenste periode" in reasons


def test_at_most_three_shared_concepts():
    reasons = _explain({"concept": 0.9}, shared=["a", "b", "c", "d"])
    assert reasons[0] == "sluit aan op a, b en c"


def test_labels_with_their_own_en_are_comma_separated():
    reasons = _explain({"concept": 0.9}, shared=["wonen en zorg", "hitte"])
    assert reasons[0] == "sluit aan op wonen en zorg, hitte"


def test_join_reasons():
    assert (
        join_reasons(("zelfde wijk", "thema wijkt af"))
        == "Zelfde wijk; thema wijkt af."
    )
    assert join_reasons(()) == ""


def test_shared_expertise_is_a_reason_when_strong():
    reasons = explain(
        {"expertise": 0.8, "concept": 0.0, "theme": 0.5},
        shared_concepts=[],
        shared_expertise=[
            "culturele antropologie",
            "interviews en kwalitatief onderzoek",
        ],
        question_themes=(),
        offer_themes=(),
        config=DEFAULT_CONFIG,
    )
    assert reasons[0] == (
        "expertise past: culturele antropologie, interviews en kwalitatief onderzoek"
    )
    weak = explain(
        {"expertise": 0.3},
        shared_concepts=[],
        shared_expertise=["culturele antropologie"],
        question_themes=(),
        offer_themes=(),
        config=DEFAULT_CONFIG,
    )
    assert not any(r.startswith("expertise past") for r in weak)
