"""A city's focus themes for the agenda year: a small, explained boost.

Themes are national; a city may put some first in a year. A candidate whose
themes include a focus theme the question also has gets `boost` added to its
score (at most 1) and the reason "speerpunt <jaar>: <thema>". The boost is small
on purpose: it reorders near-ties, it never lifts a weak match over a strong one.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace

from matching.explain import join_reasons
from matching.types import ScoredCandidate
from matching.vocabulary import THEME_LABELS

__all__ = ["FOCUS_BOOST", "with_focus"]

FOCUS_BOOST = 0.02


def with_focus(
    candidates: Sequence[ScoredCandidate],
    *,
    offer_themes: Mapping[str, Sequence[str]],
    question_themes: Collection[str],
    focus: Collection[str],
    year: int,
    boost: float = FOCUS_BOOST,
) -> tuple[ScoredCandidate, ...]:
    """The candidates with the focus boost, best first again (ties by offer id).

    Args:
        candidates: Ranked candidates.
        offer_themes: Offer id -> its theme slugs.
        question_themes: The question's theme slugs.
        focus: The city's focus theme slugs for `year`.
        year: The agenda year (for the explanation).
        boost: Added to the score of a candidate on a shared focus theme.

    Returns:
        Candidates with component `focus` (1.0) and a reason where boosted.
    """
    wanted = set(focus) & set(question_themes)
    if not wanted:
        return tuple(candidates)
    out = []
    for c in candidates:
        shared = [t for t in offer_themes.get(c.offer_id, ()) if t in wanted]
        if not shared:
            out.append(c)
            continue
        reasons = (
            *c.reasons,
            f"speerpunt {year}: " + ", ".join(THEME_LABELS.get(t, t) for t in shared),
        )
        out.append(
            replace(
                c,
                score=round(min(c.score + boost, 1.0), 4),
                components={**c.components, "focus": 1.0},
                reasons=reasons,
                explanation=join_reasons(reasons),
            )
        )
    return tuple(sorted(out, key=lambda c: (-c.score, c.offer_id)))
