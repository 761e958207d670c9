from matching.focus import with_focus
from matching.types import ScoredCandidate


def _c(offer_id: str, score: float) -> ScoredCandidate:
    return ScoredCandidate(
        offer_id, score, {"theme": 1.0}, ("sluit aan",), "Sluit aan."
    )


def test_focus_lifts_a_near_tie_and_says_why():
    ranked = [_c("a", 0.50), _c("b", 0.49), _c("c", 0.30)]
    themes = {"a": ["veiligheid"], "b": ["digitalisering"], "c": ["digitalisering"]}
    out = with_focus(
        ranked,
        offer_themes=themes,
        question_themes=["digitalisering", "veiligheid"],
        focus=["digitalisering"],
        year=2027,
    )
    assert [c.offer_id for c in out] == ["b", "a", "c"]
    assert out[0].components["focus"] == 1.0
    assert "speerpunt 2027: digitalisering en data" in out[0].explanation
    assert out[2].score == 0.32  # small: a weak match stays weak


def test_focus_needs_the_theme_in_the_question():
    ranked = [_c("a", 0.5)]
    out = with_focus(
        ranked,
        offer_themes={"a": ["veiligheid"]},
        question_themes=["digitalisering"],
        focus=["veiligheid"],
        year=2027,
    )
    assert out == tuple(ranked)
