"""Short Dutch explanations of a candidate, in words a knowledge broker understands.

Reasons are ordered by their contribution to the score (weight times value), strongest
first; weak evidence is not mentioned, except a theme mismatch, which is a useful
warning ("thema wijkt af").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matching.config import MatchConfig
from matching.vocabulary import THEME_LABELS

__all__ = ["explain", "join_reasons"]


def _list_nl(items: Sequence[str]) -> str:
    """`a, b en c`; plain commas when a label has its own "en" (`wonen en zorg`)."""
    if len(items) <= 1:
        return "".join(items)
    if any(" en " in item for item in items):
        return ", ".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]


def explain(
    components: Mapping[str, float],
    *,
    shared_concepts: Sequence[str],
    shared_expertise: Sequence[str] = (),
    shared_places: Sequence[str] = (),
    question_themes: Sequence[str],
    offer_themes: Sequence[str],
    config: MatchConfig,
) -> tuple[str, ...]:
    """Dutch reasons for one candidate, strongest first.

    Args:
        components: Component name -> value in [0, 1] (as in `ScoredCandidate`).
        shared_concepts: Dutch labels of concepts both texts mention, most specific
            first.
        shared_expertise: Dutch labels of the disciplines and methods the question
            needs and the offer has, strongest first.
        shared_places: Municipalities the question names where the offer's
            provider is.
        question_themes: Themes the submitter ticked.
        offer_themes: Themes of the offer.
        config: Weights and the strong-evidence threshold.

    Returns:
        Reasons such as `("inhoudelijk sterk verwant", "sluit aan op eenzaamheid en
        ouderen", "zelfde wijk")`; at least one reason.
    """
    strong = config.strong_threshold
    weights = config.weights
    scored: list[tuple[float, str]] = []

    dense = components.get("dense")
    if dense is not None:
        if dense >= strong:
            scored.append((weights["dense"] * dense, "inhoudelijk sterk verwant"))
        elif dense >= strong / 2:
            scored.append((weights["dense"] * dense, "inhoudelijk verwant"))
    concept = components.get("concept", 0.0)
    if shared_concepts and concept > 0.15:
        text = "sluit aan op " + _list_nl(list(shared_concepts[:3]))
        scored.append((weights["concept"] * concept, text))
    expertise = components.get("expertise", 0.0)
    if shared_expertise and expertise >= strong:
        text = "expertise past: " + _list_nl(list(shared_expertise[:2]))
        scored.append((weights["expertise"] * expertise, text))
    lexical = components.get("lexical", 0.0)
    if lexical >= strong:
        scored.append((weights["lexical"] * lexical, "veel dezelfde kernwoorden"))
    common = [t for t in question_themes if t in offer_themes]
    if common:
        labels = [THEME_LABELS.get(t, t) for t in common[:2]]
        value = components.get("theme", 0.0)
        scored.append(
            (weights["theme"] * value, "sluit aan op thema " + _list_nl(labels))
        )
    place = components.get("place", 0.0)
    if place >= 1.0:
        scored.append((weights["place"] * place + 1e-3, "zelfde wijk"))
    elif place > 0:
        scored.append((weights["place"] * place, "noemt de wijk"))
    locality = components.get("locality", 0.0)
    if locality >= 1.0 and shared_places:
        text = "aanbieder in " + _list_nl(list(shared_places[:2]))
        scored.append((weights["locality"] * locality, text))
    elif locality >= config.locality_region:
        scored.append((weights["locality"] * locality, "aanbieder in de regio"))
    window = components.get("window", 1.0)
    if window < 0.5:
        scored.append((1e-4, "beschikbaar in een deel van de gewenste periode"))

    # Stable: by contribution, then by the fixed order above (sorted is stable).
    reasons = [text for _, text in sorted(scored, key=lambda pair: -pair[0])]
    if question_themes and not common:
        reasons.append("thema wijkt af")
    if not reasons:
        reasons.append("zwak verwant")
    return tuple(reasons)


def join_reasons(reasons: Sequence[str]) -> str:
    """One sentence from reasons: `"Inhoudelijk sterk verwant; zelfde wijk."`."""
    if not reasons:
        return ""
    text = "; ".join(reasons)
    return text[0].upper() + text[1:] + "."
