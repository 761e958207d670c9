"""Intake help: read a draft question and say what it is about and what it lacks.

Pure functions over plain text and dates; the app (`app/intake`) feeds them a draft
and the city's vocabulary and offers. Everything is a lookup in the existing
vocabularies (`matching.vocabulary` concepts and their themes, neighbourhood names)
or in the small cue tables below; nothing is encoded by the model here.

- `suggest_themes`: the themes the draft's concepts signal, with the concepts named;
- `find_neighbourhood`: the first district or buurt name in the text, resolved to its
  district;
- `suggest_levels`: which education levels the kind of work asked for fits
  (analysis -> wo, design and advice -> hbo, hands-on work -> mbo);
- `draft_hints`: concrete Dutch hints where the draft is vague;
- `propose_team`: the best current candidates grouped by level into one team.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from matching.text import fold
from matching.types import Level, Ranking
from matching.vocabulary import ConceptMatcher, default_matcher

__all__ = [
    "LEVEL_ROLES",
    "Hint",
    "OfferWindow",
    "Suggestion",
    "TeamPart",
    "draft_hints",
    "find_neighbourhood",
    "propose_team",
    "suggest_levels",
    "suggest_themes",
]


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A suggested value (theme slug, level, district slug) with a Dutch reason."""

    value: str
    reason: str
    score: float = 1.0


@dataclass(frozen=True, slots=True)
class Hint:
    """A concrete Dutch hint; `code` is stable, `text` is shown to the writer."""

    code: str
    text: str


@dataclass(frozen=True, slots=True)
class OfferWindow:
    """When an offer can take a question: its window and its intake deadline."""

    available_from: date | None
    available_until: date | None
    intake_deadline: date | None


@dataclass(frozen=True, slots=True)
class TeamPart:
    """One level of a proposed team: its role and its best candidates (offer ids)."""

    level: Level
    role: str
    offer_ids: tuple[str, ...]
    score: float


# What each level typically contributes to one city question (Dutch, for the team).
LEVEL_ROLES: dict[Level, str] = {
    Level.WO: "analyse en onderzoek (bijvoorbeeld een scriptie)",
    Level.HBO: "ontwerp en aanpak (bijvoorbeeld een project in een vak)",
    Level.MBO: "uitvoering in de wijk (bijvoorbeeld een praktijkopdracht)",
}

# Words (folded prefixes) that signal the kind of work a level does best.
_LEVEL_CUES: dict[Level, tuple[str, ...]] = {
    Level.WO: (
        "onderzo",
        "analy",
        "waarom",
        "verklar",
        "oorza",
        "effect",
        "meten",
        "cijfer",
        "data",
        "wetenschap",
        "literatuur",
        "evalu",
    ),
    Level.HBO: (
        "ontwerp",
        "ontwikkel",
        "aanpak",
        "advie",
        "advis",
        "concept",
        "prototype",
        "methode",
        "interventie",
        "campagne",
        "toolkit",
        "welke aanpak",
    ),
    Level.MBO: (
        "uitvoer",
        "huisbezoek",
        "helpen",
        "hulp",
        "organiser",
        "activiteit",
        "begeleid",
        "praktijk",
        "aanleggen",
        "onderhoud",
        "ophalen",
        "spreekuur",
        "op straat",
    ),
}
_LEVEL_WORDS: dict[Level, str] = {
    Level.WO: "onderzoek en analyse",
    Level.HBO: "ontwerp, advies of een aanpak",
    Level.MBO: "praktisch werk in de wijk",
}

# Folded prefixes that name a group of people a question is about.
_GROUP_CUES = (
    "ouder",
    "jonger",
    "jeugd",
    "kinder",
    "kind",
    "bewoner",
    "inwoner",
    "gezin",
    "ondernemer",
    "student",
    "scholier",
    "leerling",
    "mantelzorg",
    "vrijwillig",
    "huurder",
    "statushouder",
    "nieuwkomer",
    "minima",
    "werkzoek",
    "mensen met",
    "vrouwen",
    "mannen",
    "senior",
    "patient",
    "bezoeker",
)
_DECISION_CUES = (
    "besluit",
    "beslis",
    "keuze",
    "kiezen",
    "bepalen",
    "beleid",
    "raadsvoorstel",
    "gemeenteraad",
    "uitbreiden",
    "afwegen",
    "prioriteit",
    "investe",
)
_OUTPUT_CUES = (
    "advies",
    "aanbeveling",
    "rapport",
    "onderzoek",
    "ontwerp",
    "prototype",
    "evaluatie",
    "analyse",
    "overzicht",
    "kaart",
    "scenario",
    "plan",
    "handreiking",
    "toolkit",
    "campagne",
    "film",
    "documentaire",
)
_VAGUE_CUES = ("iets met", "iets rond", "iets over", "van alles", "algemeen", "breed")
# A draft shorter than this (words of title and description) rarely says enough.
_MIN_WORDS = 25
# Students need time after intake: a wanted end sooner than this cannot be met.
_MIN_LEAD_DAYS = 42


def _text(title: str, description: str) -> str:
    return f" {fold(title)} {fold(description)} "


def _has(folded: str, cues: Sequence[str]) -> bool:
    return any(f" {cue}" in folded for cue in cues)


def suggest_themes(
    title: str,
    description: str,
    *,
    themes: Sequence[str],
    matcher: ConceptMatcher | None = None,
    limit: int = 3,
) -> list[Suggestion]:
    """The themes the draft's concepts signal, strongest first.

    Args:
        title: Draft title.
        description: Draft description.
        themes: Theme slugs that may be suggested (the city's vocabulary).
        matcher: Concept matcher (the packaged vocabulary when None).
        limit: Maximum number of suggestions.

    Returns:
        Suggestions whose score (distinct concepts signalling the theme, relative
        to the strongest, in (0, 1]) is at least a third, each naming the
        concepts that signal it.
    """
    matcher = matcher or default_matcher()
    tokens = fold(f"{title} {description}").split()
    counts = matcher.match_tokens([*tokens, *_base_forms(tokens)])
    weight: dict[str, float] = {}
    because: dict[str, list[str]] = {}
    allowed = set(themes)
    for index in sorted(counts):
        concept = matcher.concepts[index]
        for slug in (t for t in concept.themes if t in allowed):
            # Each distinct concept counts once for every theme it signals: a
            # concept on both health and the social domain supports both.
            weight[slug] = weight.get(slug, 0.0) + 1.0
            because.setdefault(slug, [])
            if concept.label not in because[slug]:
                because[slug].append(concept.label)
    if not weight:
        return []
    top = max(weight.values())
    ordered = sorted(weight, key=lambda s: (-weight[s], s))
    return [
        Suggestion(
            value=slug,
            reason="Uw tekst gaat over " + _and(because[slug][:3]) + ".",
            score=round(weight[slug] / top, 3),
        )
        for slug in ordered[:limit]
        if weight[slug] >= top / 3
    ]


def find_neighbourhood(
    title: str, description: str, names: Mapping[str, tuple[str, Sequence[str]]]
) -> Suggestion | None:
    """The district the draft names, by its own name or one of its buurt names.

    Args:
        title: Draft title.
        description: Draft description.
        names: District slug -> (district name, other names such as buurten).

    Returns:
        The district mentioned first in the text (longest name wins at one
        place), or None when the text names none.
    """
    folded = _text(title, description)
    best: tuple[int, int, str, str, str] | None = None
    for slug, (district, aliases) in names.items():
        for name in (district, *aliases):
            key = fold(name)
            if not key:
                continue
            at = folded.find(f" {key} ")
            if at < 0:
                continue
            candidate = (at, -len(key), slug, name, district)
            if best is None or candidate < best:
                best = candidate
    if best is None:
        return None
    _, _, slug, name, district = best
    if fold(name) == fold(district):
        reason = f"Uw tekst noemt de wijk {district}."
    else:
        reason = f"Uw tekst noemt {name}; dat ligt in de wijk {district}."
    return Suggestion(value=slug, reason=reason)


def suggest_levels(title: str, description: str) -> list[Suggestion]:
    """The levels the kind of work in the draft fits, most signalled first.

    Returns:
        One suggestion per level with at least one cue, ordered wo, hbo, mbo on
        ties; empty when the text gives no cue (any level is then welcome).
    """
    folded = _text(title, description)
    counts = {
        level: sum(1 for cue in cues if f" {cue}" in folded)
        for level, cues in _LEVEL_CUES.items()
    }
    found = [level for level in _LEVEL_CUES if counts[level] > 0]
    found.sort(key=lambda level: -counts[level])
    return [
        Suggestion(
            value=str(level),
            reason=f"De vraag vraagt om {_LEVEL_WORDS[level]}: {LEVEL_ROLES[level]}.",
            score=float(counts[level]),
        )
        for level in found
    ]


def draft_hints(
    title: str,
    description: str,
    *,
    decision: str = "",
    expected_output: str | None = None,
    neighbourhood: str | None = None,
    themes_found: int = 0,
    wanted_until: date | None = None,
    today: date,
    windows: Sequence[OfferWindow] = (),
) -> list[Hint]:
    """Concrete hints where a draft is vague, in Dutch, most important first.

    Args:
        title: Draft title.
        description: Draft description (and context, if the caller adds it).
        decision: The "which decision depends on it" field.
        expected_output: The chosen output kind, if any.
        neighbourhood: The chosen or found district, if any.
        themes_found: How many themes the text signals (breadth).
        wanted_until: The wanted end date, if any.
        today: The reference date.
        windows: The windows of the offers that could take the question now.

    Returns:
        Hints with stable codes: `no_decision`, `no_output`, `no_place_or_group`,
        `too_broad`, `deadline`.
    """
    folded = _text(title, description)
    words = len(folded.split())
    hints: list[Hint] = []
    if not decision.strip() and not _has(folded, _DECISION_CUES):
        hints.append(
            Hint(
                "no_decision",
                "Noem het besluit dat op het antwoord wacht, bijvoorbeeld: "
                "'of we de proef in 2027 uitbreiden naar andere wijken'. Dan weet "
                "een opleiding wat het resultaat moet kunnen dragen.",
            )
        )
    if expected_output is None and not _has(folded, _OUTPUT_CUES):
        hints.append(
            Hint(
                "no_output",
                "Zeg wat u wilt krijgen: een advies met aanbevelingen, een "
                "onderzoek met cijfers, een ontwerp of prototype, hulp bij de "
                "uitvoering of een evaluatie van bestaand beleid.",
            )
        )
    if neighbourhood is None and not _has(folded, _GROUP_CUES):
        hints.append(
            Hint(
                "no_place_or_group",
                "Noem een wijk of buurt (bijvoorbeeld de Merenwijk of De Kooi) of "
                "de groep mensen om wie het gaat (ouderen, jongeren, huurders, "
                "ondernemers). Studenten hebben een concrete plek of doelgroep nodig.",
            )
        )
    if words < _MIN_WORDS or themes_found >= 3 or _has(folded, _VAGUE_CUES):
        hints.append(
            Hint(
                "too_broad",
                "De vraag is te breed voor één opdracht. Kies één probleem dat in "
                "een semester te onderzoeken is, beschrijf wat er nu misgaat en "
                "wat u al weet; een grote vraag kan de kennismakelaar later "
                "opsplitsen per niveau.",
            )
        )
    deadline = _deadline_hint(wanted_until, today, windows)
    if deadline is not None:
        hints.append(deadline)
    return hints


def _deadline_hint(
    wanted_until: date | None, today: date, windows: Sequence[OfferWindow]
) -> Hint | None:
    if wanted_until is None:
        return None
    if wanted_until < today + timedelta(days=_MIN_LEAD_DAYS):
        return Hint(
            "deadline",
            f"Het resultaat is gewenst vóór {_nl_date(wanted_until)}: dat is "
            "korter dan zes weken. Geen opleiding kan zo snel een team "
            "inzetten; kies een latere datum of vraag de kennismakelaar om een "
            "kleiner, snel antwoord.",
        )
    starts = [
        max(w.available_from or today, today)
        for w in windows
        if (w.intake_deadline is None or w.intake_deadline >= today)
        and (w.available_until is None or w.available_until >= today)
    ]
    if windows and not any(s <= wanted_until for s in starts):
        first = min(starts) if starts else None
        later = f" Het eerste aanbod start op {_nl_date(first)}." if first else ""
        return Hint(
            "deadline",
            f"Geen aanbod kan nog vóór {_nl_date(wanted_until)} beginnen: de "
            f"inschrijving is gesloten of de periode begint later.{later} "
            "Schuif de einddatum op of vraag de kennismakelaar naar andere "
            "mogelijkheden.",
        )
    return None


def propose_team(
    ranking: Ranking,
    levels_of: Mapping[str, Level],
    *,
    allowed: Sequence[Level] = (),
    per_level: int = 2,
    min_share: float = 0.5,
) -> list[TeamPart]:
    """Group a question's candidates by level into one proposed team.

    Args:
        ranking: The question's ranking (candidates best first).
        levels_of: Offer id -> its level.
        allowed: The levels the question accepts (empty: any).
        per_level: How many offers to name per level.
        min_share: A level joins the team when its best score is at least this
            share of the best score overall (so a weak level is left out).

    Returns:
        One part per level, best first, with the level's typical role.
    """
    accepted = set(allowed) or set(Level)
    best: dict[Level, list[str]] = {}
    top: dict[Level, float] = {}
    for candidate in ranking.candidates:
        level = levels_of.get(candidate.offer_id)
        if level is None or level not in accepted:
            continue
        chosen = best.setdefault(level, [])
        if len(chosen) < per_level:
            chosen.append(candidate.offer_id)
            top.setdefault(level, candidate.score)
    if not top:
        return []
    peak = max(top.values())
    return [
        TeamPart(
            level=level,
            role=LEVEL_ROLES[level],
            offer_ids=tuple(best[level]),
            score=top[level],
        )
        for level in sorted(top, key=lambda lv: (-top[lv], str(lv)))
        if top[level] >= min_share * peak
    ]


_VOWELS = frozenset("aeiou")


def _base_forms(tokens: Sequence[str]) -> list[str]:
    """Uninflected forms of Dutch adjectives: "eenzame" -> "eenzaam", "arme" -> "arm".

    The concept vocabulary lists base forms and prefixes; an inflected adjective
    with a long vowel ("eenzame ouderen") would otherwise not be recognised.
    """
    out = []
    for token in tokens:
        if len(token) < 5 or not token.endswith("e"):
            continue
        stem = token[:-1]
        if stem[-1] not in _VOWELS and stem[-2] in _VOWELS and stem[-3] not in _VOWELS:
            out.append(stem[:-1] + stem[-2] + stem[-1])  # eenzam -> eenzaam
        out.append(stem)
    return out


_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def _nl_date(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " en " + items[-1]
