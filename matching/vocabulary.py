"""A bilingual (Dutch/English) concept vocabulary of the municipal and academic world.

`data/concepts.json` holds about a hundred broad concept groups (loneliness, debt,
urban heat, youth care, heritage, ...), each with Dutch and English terms and the
top-level themes it signals. The vocabulary is general domain knowledge: it is not
keyed to any data set, and it carries no weights. How much a concept counts is
learned from the offer pool it is used on (its IDF in `matching.features`): a
concept most offers mention ("buurt", "evaluatie") says little, a rare one
("hittestress") a lot.

Term syntax, matched against folded tokens (`matching.text.fold`):

- `word`: the token equals `word`;
- `word*`: the token starts with `word` (inflections, derivations);
- `*word`: the token ends with `word` (Dutch compounds end in their head, so
  `*armoede` finds `kinderarmoede` and `energiearmoede`);
- `*word*`: the token contains `word`;
- several words: consecutive tokens, each matched as above.

`ConceptMatcher` turns texts into a sparse (n_texts, n_concepts) count matrix, which
feeds the concept-overlap evidence and the inferred themes.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matching.text import fold

__all__ = [
    "NEIGHBOURHOOD_NAMES",
    "THEMES",
    "THEME_LABELS",
    "Concept",
    "ConceptMatcher",
    "default_matcher",
    "load_concepts",
]

THEMES: tuple[str, ...] = (
    "gezondheid-welzijn",
    "duurzaamheid-biodiversiteit",
    "erfgoed-cultuur",
    "onderwijs-talent",
    "wonen-leefomgeving",
    "sociaal-domein",
    "veiligheid",
    "economie-werk",
    "internationaal",
    "digitalisering",
)

THEME_LABELS: dict[str, str] = {
    "gezondheid-welzijn": "gezondheid, leefstijl en welzijn",
    "duurzaamheid-biodiversiteit": "duurzaamheid, klimaat, energie en biodiversiteit",
    "erfgoed-cultuur": "cultureel erfgoed en collecties",
    "onderwijs-talent": "onderwijs en talentontwikkeling",
    "wonen-leefomgeving": "wonen, campus, openbare ruimte en mobiliteit",
    "sociaal-domein": "armoede, participatie en inclusie",
    "veiligheid": "veiligheid",
    "economie-werk": "economie, werk en innovatie",
    "internationaal": "internationale kennisstad",
    "digitalisering": "digitalisering en data",
}

# Leiden's ten districts with the names people use for them: district names and
# common buurt names (a subset of the aliases in seeds/data/reference.json, e.g. De
# Kooi in leiden-noord, Slaaghwijk in merenwijk): the names `OfferIndex.build` uses
# when it is given none, as for the eval data sets. The service passes each city's own names from its database; a slug
# it does not know falls back to the slug as a name.
NEIGHBOURHOOD_NAMES: dict[str, tuple[str, ...]] = {
    "binnenstad-noord": (
        "Binnenstad-Noord",
        "Binnenstad Noord",
        "Pancras-West",
        "Havenwijk",
    ),
    "binnenstad-zuid": (
        "Binnenstad-Zuid",
        "Binnenstad Zuid",
        "Pieterswijk",
        "Levendaal",
    ),
    "stationsdistrict": ("Stationsdistrict", "Stationsgebied"),
    "leiden-noord": ("Leiden-Noord", "De Kooi", "Noorderkwartier", "Groenoord"),
    "roodenburgerdistrict": (
        "Roodenburgerdistrict",
        "Roodenburg",
        "Burgemeesterswijk",
        "Professorenwijk",
        "Tuinstadwijk",
    ),
    "bos-en-gasthuisdistrict": (
        "Bos- en Gasthuisdistrict",
        "Bos en Gasthuisdistrict",
        "Haagwegkwartier",
        "Boshuizen",
    ),
    "morsdistrict": ("Morsdistrict", "De Mors", "Transvaal"),
    "boerhaavedistrict": ("Boerhaavedistrict", "Boerhaave", "Vogelwijk"),
    "merenwijk": ("Merenwijk", "Slaaghwijk", "Kopermolen"),
    "stevenshof": ("Stevenshof", "Stevensbloem"),
}


@dataclass(frozen=True, slots=True)
class Concept:
    """One concept group: `label` is Dutch text used in explanations."""

    id: str
    label: str
    themes: tuple[str, ...]
    terms: tuple[str, ...]


def load_concepts(text: str | None = None) -> tuple[Concept, ...]:
    """Parse the concept vocabulary.

    Args:
        text: JSON text in the format of `data/concepts.json`; None reads the
            packaged file.

    Returns:
        The concepts in file order.
    """
    if text is None:
        text = (
            resources.files("matching")
            .joinpath("data/concepts.json")
            .read_text("utf-8")
        )
    raw = json.loads(text)
    return tuple(
        Concept(
            id=str(item["id"]),
            label=str(item["label"]),
            themes=tuple(str(t) for t in item.get("themes", ())),
            terms=tuple(str(t) for t in item["terms"]),
        )
        for item in raw["concepts"]
    )


def _expand(term: str) -> list[tuple[str, str]]:
    """Turn a term into (kind, folded core) pattern words; hyphens split words."""
    out: list[tuple[str, str]] = []
    for word in term.split():
        kind, core = _fold_pattern(word)
        parts = core.split()
        if len(parts) > 1:
            # "e-sigaret*" folds to "e sigaret": leading parts must match exactly.
            out.extend(("=", p) for p in parts[:-1])
            out.append((kind, parts[-1]))
        elif parts:
            out.append((kind, parts[0]))
    return out


def _fold_pattern(word: str) -> tuple[str, str]:
    """Split one pattern word into (kind, folded stem); kind is =, <, > or ~."""
    head = word.startswith("*")
    tail = word.endswith("*")
    core = fold(word.strip("*"))
    if head and tail:
        return "~", core
    if tail:
        return "<", core
    if head:
        return ">", core
    return "=", core


class ConceptMatcher:
    """Finds concept mentions in text; immutable after construction.

    Args:
        concepts: The vocabulary, e.g. `load_concepts()`.
    """

    def __init__(self, concepts: Sequence[Concept]) -> None:
        self.concepts: tuple[Concept, ...] = tuple(concepts)
        # Every distinct (kind, core) pattern word gets an id; tokens map to the set
        # of pattern ids they satisfy (cached), so phrases cost one lookup per word.
        self._pattern_ids: dict[tuple[str, str], int] = {}
        self._tables: dict[str, dict[str, set[int]]] = {k: {} for k in "=<>~"}
        self._single: dict[int, set[int]] = {}  # pattern id -> concepts
        self._phrases: dict[int, list[tuple[tuple[int, ...], int]]] = {}
        for index, concept in enumerate(self.concepts):
            for term in concept.terms:
                ids = [self._pattern_id(kind, core) for kind, core in _expand(term)]
                if len(ids) == 1:
                    self._single.setdefault(ids[0], set()).add(index)
                elif ids:
                    self._phrases.setdefault(ids[0], []).append((tuple(ids[1:]), index))
        self._token_cache: dict[str, frozenset[int]] = {}

    def _pattern_id(self, kind: str, core: str) -> int:
        key = (kind, core)
        if key not in self._pattern_ids:
            self._pattern_ids[key] = len(self._pattern_ids)
            self._tables[kind].setdefault(core, set()).add(self._pattern_ids[key])
        return self._pattern_ids[key]

    def _token_patterns(self, token: str) -> frozenset[int]:
        cached = self._token_cache.get(token)
        if cached is not None:
            return cached
        found: set[int] = set(self._tables["="].get(token, ()))
        prefix, suffix, infix = self._tables["<"], self._tables[">"], self._tables["~"]
        for cut in range(1, len(token) + 1):
            found.update(prefix.get(token[:cut], ()))
            found.update(suffix.get(token[cut - 1 :], ()))
        if infix:
            for start in range(len(token)):
                for end in range(start + 1, len(token) + 1):
                    found.update(infix.get(token[start:end], ()))
        result = frozenset(found)
        if len(self._token_cache) < 500_000:
            self._token_cache[token] = result
        return result

    def match_tokens(self, tokens: Sequence[str]) -> dict[int, int]:
        """Count concept mentions in a token sequence.

        Args:
            tokens: Folded tokens (`matching.text.tokenize`).

        Returns:
            Concept index -> number of mentions (a concept counts once per token
            position).
        """
        counts: dict[int, int] = {}
        patterns = [self._token_patterns(t) for t in tokens]
        for position, found in enumerate(patterns):
            hit: set[int] = set()
            for pid in found:
                hit.update(self._single.get(pid, ()))
                for rest, index in self._phrases.get(pid, ()):
                    end = position + 1 + len(rest)
                    if end <= len(tokens) and all(
                        pid_k in patterns[position + 1 + k]
                        for k, pid_k in enumerate(rest)
                    ):
                        hit.add(index)
            for index in hit:
                counts[index] = counts.get(index, 0) + 1
        return counts

    def matrix(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Concept counts for many texts.

        Args:
            texts: n texts.

        Returns:
            Sparse float32 matrix of shape (n, n_concepts) with mention counts.
        """
        rows: list[int] = []
        cols: list[int] = []
        vals: list[float] = []
        for row, text in enumerate(texts):
            for col, count in self.match_tokens(fold(text).split()).items():
                rows.append(row)
                cols.append(col)
                vals.append(float(count))
        return sparse.csr_matrix(
            (np.array(vals, dtype=np.float32), (rows, cols)),
            shape=(len(texts), len(self.concepts)),
            dtype=np.float32,
        )

    def theme_matrix(self, themes: Sequence[str] = THEMES) -> npt.NDArray[np.float32]:
        """Which themes each concept signals, each row summing to 1 (or 0).

        Args:
            themes: Theme slugs, in column order.

        Returns:
            Array of shape (n_concepts, len(themes)).
        """
        position = {slug: i for i, slug in enumerate(themes)}
        out = np.zeros((len(self.concepts), len(themes)), dtype=np.float32)
        for row, concept in enumerate(self.concepts):
            cols = [position[t] for t in concept.themes if t in position]
            if cols:
                out[row, cols] = 1.0 / len(cols)
        return out


@lru_cache(maxsize=1)
def default_matcher() -> ConceptMatcher:
    """The matcher over the packaged vocabulary, built once per process."""
    return ConceptMatcher(load_concepts())
