"""Plain data the engine works on: no ORM, no HTTP, just frozen dataclasses.

`app/matches/adapters.py` converts database rows into these types; `matching.evaluation`
builds them from a data set file. Both then call the same pipeline.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

__all__ = [
    "Exclusion",
    "Level",
    "OfferInput",
    "OfferKind",
    "QuestionInput",
    "Ranking",
    "ScoredCandidate",
]


class Level(StrEnum):
    """Education level of an offer (and the levels a question accepts)."""

    MBO = "mbo"
    HBO = "hbo"
    WO = "wo"


class OfferKind(StrEnum):
    """What an offer is: a course taking assignments, thesis places or research."""

    COURSE = "course"
    THESIS = "thesis"
    RESEARCH = "research"


@dataclass(frozen=True, slots=True)
class QuestionInput:
    """A municipal question as the engine sees it.

    `levels` empty means any level; `neighbourhood` None means citywide.
    """

    id: str
    title: str
    description: str
    themes: tuple[str, ...] = ()
    levels: tuple[Level, ...] = ()
    neighbourhood: str | None = None
    wanted_from: date | None = None
    wanted_until: date | None = None


@dataclass(frozen=True, slots=True)
class OfferInput:
    """A unit of supply: a course, thesis places or research expertise.

    `neighbourhoods` empty means the offer works anywhere in the city.
    `remaining_capacity` is what is still free (capacity minus places held).
    `intake_deadline` is the last day a question can still join (None: any time).
    """

    id: str
    kind: OfferKind
    title: str
    description: str
    level: Level
    themes: tuple[str, ...] = ()
    neighbourhoods: tuple[str, ...] = ()
    remaining_capacity: int = 1
    available_from: date | None = None
    available_until: date | None = None
    is_active: bool = True
    institution: str = ""
    intake_deadline: date | None = None


@dataclass(frozen=True, slots=True)
class ScoredCandidate:
    """An offer that passed every hard rule, with its fused score and evidence.

    `components` maps evidence names to values in [0, 1]; `reasons` are short Dutch
    phrases, strongest first; `explanation` joins them into one sentence.
    """

    offer_id: str
    score: float
    components: Mapping[str, float] = field(default_factory=dict)
    reasons: tuple[str, ...] = ()
    explanation: str = ""


@dataclass(frozen=True, slots=True)
class Exclusion:
    """An offer a hard rule removed: `rule` is a stable code, `label` Dutch text.

    `score` is the score the offer would have had, so the broker can see the
    near-misses ("right topic, but full") in order of relevance. `rules` lists every
    rule the offer breaks (`rule` is the first of them).
    """

    offer_id: str
    rule: str
    label: str
    score: float = 0.0
    rules: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Ranking:
    """The result of ranking one question: candidates best first, and exclusions."""

    candidates: tuple[ScoredCandidate, ...]
    excluded: tuple[Exclusion, ...]
