"""Evidence components for one question against all offers, each in [0, 1].

Every function is vectorised over the offer set: inputs are arrays prepared once in
`OfferIndex.build`, outputs are arrays of shape (n_offers,).

- dense: see `matching.dense` (calibrated, language-centred E5 cosines).
- concept: cosine of IDF-weighted concept vectors (bilingual vocabulary), which links
  "eenzaamheid" to "loneliness" and "schuldhulpverlening" to "payment arrears". The
  IDF over the offer pool is a concept's only weight: the vocabulary has none.
- theme: cosine of theme vectors that mix the ticked themes (weight 1) with themes
  inferred from the text's concepts (`inferred_theme_weight`), so a wrongly ticked
  theme is not fatal and an unticked but described one still counts.
- place: 1 when the offer is tied to the question's neighbourhood, 0.5 when the
  offer's text names it, else 0.
- window: share of the wanted window that the offer's window covers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matching.filters import RuleTable
from matching.text import fold
from matching.types import QuestionInput
from matching.vocabulary import THEMES, ConceptMatcher

__all__ = [
    "TopicIndex",
    "place_fit",
    "place_mentions",
    "window_fit",
]

F32 = npt.NDArray[np.float32]


@dataclass(frozen=True, slots=True)
class TopicIndex:
    """Concept and theme vectors of an offer set.

    Attributes:
        matcher: The concept matcher used for offers (and questions).
        idf: (n_concepts,) concept IDF over the offers (smoothed, >= 1).
        concepts: (n, n_concepts) CSR, binary concept presence times `idf`,
            L2-normalised rows.
        themes: (n, n_themes) L2-normalised theme vectors.
        concept_themes: (n_concepts, n_themes) theme signal of each concept.
        inferred_weight: Weight of inferred themes against ticked ones.
    """

    matcher: ConceptMatcher
    idf: F32
    concepts: sparse.csr_matrix
    themes: F32
    concept_themes: F32
    inferred_weight: float

    @classmethod
    def build(
        cls,
        matcher: ConceptMatcher,
        texts: Sequence[str],
        themes: Sequence[Sequence[str]],
        *,
        inferred_weight: float,
    ) -> TopicIndex:
        """Find concepts in the offer texts and build concept and theme vectors.

        Args:
            matcher: Concept matcher.
            texts: n offer texts.
            themes: n tuples of ticked theme slugs.
            inferred_weight: Weight of inferred themes.

        Returns:
            The index.
        """
        counts = matcher.matrix(texts)
        present = counts.copy()
        present.data[:] = 1.0
        n = max(present.shape[0], 1)
        df = np.bincount(present.indices, minlength=present.shape[1]).astype(np.float32)
        idf = (np.log((n + 1.0) / (df + 1.0)) + 1.0).astype(np.float32)
        concept_themes = matcher.theme_matrix()
        return cls(
            matcher=matcher,
            idf=idf,
            concepts=_rows_l2(present @ sparse.diags(idf)),
            themes=_theme_vectors(
                present, themes, concept_themes, idf, inferred_weight
            ),
            concept_themes=concept_themes,
            inferred_weight=inferred_weight,
        )

    def question_concepts(self, text: str) -> sparse.csr_matrix:
        """IDF-weighted, L2-normalised concept vector of a question, (1, n_concepts)."""
        present = self.matcher.matrix([text])
        present.data[:] = 1.0
        return _rows_l2(present @ sparse.diags(self.idf))

    def scores(
        self, text: str, themes: Sequence[str]
    ) -> tuple[F32, F32, sparse.csr_matrix]:
        """Concept and theme similarity of a question to every offer.

        Args:
            text: The question text.
            themes: The question's ticked themes.

        Returns:
            (concept, theme, question concept vector): two (n,) arrays in [0, 1]
            and the (1, n_concepts) question vector (for explanations).
        """
        q_concepts = self.question_concepts(text)
        concept = np.asarray(self.concepts @ q_concepts.toarray().ravel()).ravel()
        present = q_concepts.copy()
        present.data[:] = 1.0
        q_themes = _theme_vectors(
            present,
            [tuple(themes)],
            self.concept_themes,
            self.idf,
            self.inferred_weight,
        )[0]
        theme = self.themes @ q_themes
        return (
            np.clip(concept, 0.0, 1.0).astype(np.float32),
            np.clip(theme, 0.0, 1.0).astype(np.float32),
            q_concepts,
        )


def _rows_l2(matrix: sparse.spmatrix) -> sparse.csr_matrix:
    csr = sparse.csr_matrix(matrix, dtype=np.float32)
    norms = np.sqrt(np.asarray(csr.multiply(csr).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ csr, dtype=np.float32)


def _theme_vectors(
    present: sparse.csr_matrix,
    ticked: Sequence[Sequence[str]],
    concept_themes: F32,
    idf: F32,
    inferred_weight: float,
) -> F32:
    position = {slug: i for i, slug in enumerate(THEMES)}
    out = np.zeros((present.shape[0], len(THEMES)), dtype=np.float32)
    for row, slugs in enumerate(ticked):
        for slug in slugs:
            if slug in position:
                out[row, position[slug]] = 1.0
    if inferred_weight > 0 and present.shape[0] > 0:
        inferred = np.asarray((present @ sparse.diags(idf)) @ concept_themes)
        peak = inferred.max(axis=1, keepdims=True)
        peak[peak == 0] = 1.0
        out += inferred_weight * (inferred / peak).astype(np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: F32 = (out / norms).astype(np.float32)
    return result


def window_fit(table: RuleTable, question: QuestionInput) -> F32:
    """Share of the question's wanted window covered by each offer's window.

    Args:
        table: Rule columns of the offers.
        question: The question.

    Returns:
        (n,) float32 in [0, 1]; 1 when the question has an open window.
    """
    n = table.start.shape[0]
    if question.wanted_from is None or question.wanted_until is None:
        return np.ones(n, dtype=np.float32)
    q_start = question.wanted_from.toordinal()
    q_end = question.wanted_until.toordinal()
    length = max(q_end - q_start + 1, 1)
    overlap = np.minimum(table.end, q_end) - np.maximum(table.start, q_start) + 1
    return np.clip(overlap / length, 0.0, 1.0).astype(np.float32)


def place_mentions(
    texts: Sequence[str], names: Mapping[str, Sequence[str]]
) -> sparse.csc_matrix:
    """Which offers name which neighbourhood in their text.

    Args:
        texts: n offer texts.
        names: neighbourhood slug -> names (any case, accents allowed).

    Returns:
        (n, len(names)) CSC bool matrix, columns in `names` order.
    """
    folded = [f" {fold(t)} " for t in texts]
    rows: list[int] = []
    cols: list[int] = []
    for col, aliases in enumerate(names.values()):
        needles = [f" {fold(a)} " for a in aliases if fold(a)]
        for row, text in enumerate(folded):
            if any(needle in text for needle in needles):
                rows.append(row)
                cols.append(col)
    return sparse.csc_matrix(
        (np.ones(len(rows), dtype=bool), (rows, cols)),
        shape=(len(texts), max(len(names), 1)),
        dtype=bool,
    )


def place_fit(
    table: RuleTable,
    mentions: sparse.csc_matrix,
    mention_index: dict[str, int],
    neighbourhood: str | None,
) -> F32:
    """Neighbourhood fit of every offer for a question's neighbourhood.

    Args:
        table: Rule columns (ties).
        mentions: Output of `place_mentions`.
        mention_index: slug -> column of `mentions`.
        neighbourhood: The question's neighbourhood, None for citywide.

    Returns:
        (n,) float32: 1 tied to it, 0.5 named in the text, else 0.
    """
    out = np.zeros(table.tied.shape, dtype=np.float32)
    if neighbourhood is None:
        return out
    column = mention_index.get(neighbourhood)
    if column is not None:
        named = np.asarray(mentions[:, column].toarray()).ravel().astype(bool)
        out[named] = 0.5
    out[table.same_place(neighbourhood)] = 1.0
    return out
