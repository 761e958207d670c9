"""The problem-to-discipline bridge: does the offer have the expertise the question needs?

Real brokers often pair by discipline and method rather than by topic words: a
question on why residents do not separate their waste goes to a behaviour-change
group, not to one whose text mentions waste logistics. Provider texts say what a
group does and how; question texts describe a city problem. Both are mapped into a
small "expertise space" of general disciplines and methods (`data/expertise.json`:
public administration, anthropology, surveys, co-design, citizen science, ...), where
they can meet although they share no topic word.

Each of the ~40 entries has `offer_terms`, how providers name it ("bestuurskund*",
"etnograf*", "vragenlijst*"), and `question_terms`, how a city question signals the
need for it ("hoeveel", "leefwereld", "metingen"). Term syntax is that of the concept
vocabulary (`matching.vocabulary`). The vocabulary holds no weights; they are earned
from the offer pool:

- offer profile (once per offer set): which expertise each offer text names,
  weighted by its IDF over the offers (an expertise most offers claim says little,
  one few offer says a lot), rows L2-normalised; shape (n, K);
- question need (per question): the expertise its text signals, as weights summing
  to 1;
- evidence: profile @ need, standardised over the offer set and mapped to [0, 1] by
  the logistic of the dense evidence (`matching.dense.normalise_dense`).

The component is absent when the question signals no need or no offer names any of
it: then it carries no information. (Embedding a need sentence per entry with the
model, to recognise needs phrased in other words, was tried and did not help on the
tuning sets; see README "How matching works".)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
import numpy.typing as npt

from matching.dense import normalise_dense
from matching.splice import RowPlan
from matching.text import fold
from matching.vocabulary import Concept, ConceptMatcher

__all__ = [
    "Expertise",
    "ExpertiseIndex",
    "default_expertise",
    "load_expertise",
]

F32 = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class Expertise:
    """One discipline or method; `label` is Dutch text used in explanations."""

    id: str
    label: str
    kind: str  # "discipline" or "method"
    offer_terms: tuple[str, ...]
    question_terms: tuple[str, ...]


def load_expertise(text: str | None = None) -> tuple[Expertise, ...]:
    """Parse the expertise vocabulary.

    Args:
        text: JSON text in the format of `data/expertise.json`; None reads the
            packaged file.

    Returns:
        The entries in file order.
    """
    if text is None:
        text = (
            resources.files("matching")
            .joinpath("data/expertise.json")
            .read_text("utf-8")
        )
    raw = json.loads(text)
    return tuple(
        Expertise(
            id=str(item["id"]),
            label=str(item["label"]),
            kind=str(item.get("kind", "discipline")),
            offer_terms=tuple(str(t) for t in item.get("offer_terms", ())),
            question_terms=tuple(str(t) for t in item.get("question_terms", ())),
        )
        for item in raw["expertise"]
    )


@lru_cache(maxsize=1)
def default_expertise() -> tuple[Expertise, ...]:
    """The packaged vocabulary, read once per process."""
    return load_expertise()


@lru_cache(maxsize=4)
def _matcher(entries: tuple[Expertise, ...], side: str) -> ConceptMatcher:
    return ConceptMatcher(
        [
            Concept(
                id=e.id,
                label=e.label,
                themes=(),
                terms=e.offer_terms if side == "offer" else e.question_terms,
            )
            for e in entries
        ]
    )


@dataclass(frozen=True, slots=True)
class ExpertiseIndex:
    """Expertise profiles of an offer set, built once.

    Attributes:
        entries: The vocabulary (K entries).
        question_matcher: Finds the `question_terms` in a question.
        profiles: (n, K) float32 IDF-weighted expertise presence, rows L2-normalised
            (all zero for an offer that names none).
        idf: (K,) IDF of each expertise over the offers, `ln((n + 1) / (df + 1))`.
        center: z-score of the evidence that maps to 0.5.
        slope: Logistic steepness per unit of z.
        present: (n, K) bool, which expertise each offer text names: the analysed
            offers, kept so an update matches only changed texts.
    """

    entries: tuple[Expertise, ...]
    question_matcher: ConceptMatcher
    profiles: F32
    idf: F32
    center: float
    slope: float
    present: npt.NDArray[np.bool_]

    @classmethod
    def build(
        cls,
        texts: Sequence[str],
        *,
        entries: Sequence[Expertise] | None = None,
        center: float = 1.0,
        slope: float = 1.5,
    ) -> ExpertiseIndex:
        """Find which expertise each offer names.

        Args:
            texts: n offer texts (title and description).
            entries: The vocabulary; None for the packaged one.
            center: z-score of the evidence that maps to 0.5.
            slope: Logistic steepness per unit of z.

        Returns:
            The index.
        """
        entries = default_expertise() if entries is None else tuple(entries)
        k = len(entries)
        empty = cls(
            entries=entries,
            question_matcher=_matcher(entries, "question"),
            profiles=np.zeros((0, k), dtype=np.float32),
            idf=np.zeros(k, dtype=np.float32),
            center=center,
            slope=slope,
            present=np.zeros((0, k), dtype=bool),
        )
        return empty.spliced(RowPlan.fresh(len(texts)), texts)

    def spliced(self, plan: RowPlan, texts: Sequence[str]) -> ExpertiseIndex:
        """The index after `plan`, matching the vocabulary in the fresh texts only.

        The IDF, and so every profile, depends on the whole pool: it is recomputed
        from `present` (a few (n, K) array operations).

        Args:
            plan: Old rows kept and fresh rows placed (`matching.splice`).
            texts: Texts of the fresh offers.

        Returns:
            The index a build on the resulting offers gives.
        """
        fresh = _matcher(self.entries, "offer").matrix(texts).toarray() > 0
        present = plan.array(self.present, fresh)
        n = present.shape[0]
        df = present.sum(axis=0).astype(np.float32)
        idf = np.log((n + 1.0) / (df + 1.0)).astype(np.float32)
        weighted = (present * idf).astype(np.float32)
        norms = np.linalg.norm(weighted, axis=1, keepdims=True)
        profiles = np.divide(
            weighted, norms, out=np.zeros_like(weighted), where=norms > 0
        )
        return ExpertiseIndex(
            entries=self.entries,
            question_matcher=self.question_matcher,
            profiles=profiles,
            idf=idf,
            center=self.center,
            slope=self.slope,
            present=present,
        )

    def need(self, text: str) -> F32:
        """What expertise a question signals it needs, as weights summing to 1.

        Args:
            text: The question text.

        Returns:
            (K,) float32: 1/m for each of the m expertise the text signals, all 0
            when it signals none.
        """
        found = np.zeros(len(self.question_matcher.concepts), dtype=np.float32)
        hits = self.question_matcher.match_tokens(fold(text).split())
        found[[k for k, count in hits.items() if count > 0]] = 1.0
        total = float(found.sum())
        need: F32 = found / total if total > 0 else found
        return need

    def scores(self, need: F32) -> F32 | None:
        """How well each offer's expertise covers a question's need.

        Args:
            need: (K,) output of `need`.

        Returns:
            (n,) float32 in (0, 1), monotone in `profiles @ need`; None when that
            is zero for every offer (no need signalled, or no offer has it).
        """
        raw = self.profiles @ need
        if raw.size == 0 or not raw.any():
            return None
        return normalise_dense(
            raw.astype(np.float32),
            prior_mean=0.0,
            prior_std=1.0,
            prior_weight=0.0,
            center=self.center,
            slope=self.slope,
        )

    def shared(self, need: F32, row: int, limit: int = 2) -> list[Expertise]:
        """The expertise that links a question's need to one offer, strongest first."""
        strength = need * self.profiles[row]
        order = np.argsort(-strength, kind="stable")[:limit].tolist()
        return [self.entries[k] for k in order if strength[k] > 0]
