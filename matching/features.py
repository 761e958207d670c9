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

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import sparse

from matching.filters import RuleTable
from matching.postings import column_mask, postings_product
from matching.splice import RowPlan
from matching.text import fold
from matching.types import QuestionInput
from matching.vocabulary import THEMES, ConceptMatcher

__all__ = [
    "TopicIndex",
    "place_fit",
    "place_mentions",
    "spliced_mentions",
    "window_fit",
]

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]


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
        present: (n, n_concepts) CSR, 1 where an offer's text names a concept:
            the analysed offers, kept so an update matches only changed texts.
        ticked: (n, n_themes) 1 for each theme an offer ticks.
        postings: `concepts` as CSC (an inverted index): a question reads only
            the offers of its own concepts.
    """

    matcher: ConceptMatcher
    idf: F32
    concepts: sparse.csr_matrix
    themes: F32
    concept_themes: F32
    inferred_weight: float
    present: sparse.csr_matrix
    ticked: F32
    postings: sparse.csc_matrix

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
        width = len(matcher.concepts)
        none = sparse.csr_matrix((0, width), dtype=np.float32)
        empty = cls(
            matcher=matcher,
            idf=np.ones(width, dtype=np.float32),
            concepts=none,
            themes=np.zeros((0, len(THEMES)), dtype=np.float32),
            concept_themes=matcher.theme_matrix(),
            inferred_weight=inferred_weight,
            present=none,
            ticked=np.zeros((0, len(THEMES)), dtype=np.float32),
            postings=sparse.csc_matrix(none),
        )
        return empty.spliced(RowPlan.fresh(len(texts)), texts, themes)

    def spliced(
        self, plan: RowPlan, texts: Sequence[str], themes: Sequence[Sequence[str]]
    ) -> TopicIndex:
        """The index after `plan`, matching concepts in the fresh texts only.

        The IDF and so every concept and theme vector depend on the whole pool;
        they are recomputed from `present` (sparse products, no text work).

        Args:
            plan: Old rows kept and fresh rows placed (`matching.splice`).
            texts: Texts of the fresh offers.
            themes: Ticked themes of the fresh offers.

        Returns:
            The index a build on the resulting offers gives.
        """
        fresh = self.matcher.matrix(texts)
        fresh.data[:] = 1.0
        present = plan.rows(self.present, fresh)
        ticked = plan.array(self.ticked, _ticked(themes))
        n = max(present.shape[0], 1)
        df = np.bincount(present.indices, minlength=present.shape[1]).astype(np.float32)
        idf = (np.log((n + 1.0) / (df + 1.0)) + 1.0).astype(np.float32)
        concepts = _rows_l2(present @ sparse.diags(idf))
        return TopicIndex(
            matcher=self.matcher,
            idf=idf,
            concepts=concepts,
            themes=_theme_vectors(
                present, ticked, self.concept_themes, idf, self.inferred_weight
            ),
            concept_themes=self.concept_themes,
            inferred_weight=self.inferred_weight,
            present=present,
            ticked=ticked,
            postings=sparse.csc_matrix(concepts),
        )

    def _question_weights(self, text: str) -> tuple[I64, F32]:
        """The question's concepts (ascending) and their L2-normalised IDF weights.

        Plain numpy on the question side (a handful of concepts): the same float32
        operations, in the same order, as `_rows_l2` on a one-row matrix.
        """
        found = sorted(self.matcher.match_tokens(fold(text).split()))
        columns = np.array(found, dtype=np.int64)
        weights = self.idf[columns]
        # The row sum scipy takes (`np.add.reduceat` over the row's entries).
        squares = np.square(weights)
        total = np.add.reduceat(squares, [0])[0] if squares.size else 0.0
        norm = np.sqrt(np.float32(total))
        if norm == 0:
            norm = np.float32(1.0)
        return columns, (np.float32(1.0) / norm) * weights

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
        columns, weights = self._question_weights(text)
        q_concepts = sparse.csr_matrix(
            (weights, columns.astype(np.int32), np.array([0, columns.size], np.int32)),
            shape=(1, self.idf.size),
        )
        n = self.concepts.shape[0]
        concept = postings_product(self.postings, n, columns, weights)
        q_themes = _question_themes(
            columns,
            _ticked([tuple(themes)])[0],
            self.concept_themes,
            self.idf,
            self.inferred_weight,
        )
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


def _question_themes(
    columns: I64, ticked: F32, concept_themes: F32, idf: F32, inferred_weight: float
) -> F32:
    """`_theme_vectors` of one question from its concept columns (ascending).

    The same float32 operations in the same order as `_theme_vectors` on a
    one-row matrix, so the vector is the same to the bit.
    """
    out = ticked.copy()
    if inferred_weight > 0:
        # Descending: the order scipy's sparse product `present @ diags(idf)`
        # leaves the entries in, which the sparse-dense product then sums in.
        inferred = np.zeros(concept_themes.shape[1], dtype=np.float32)
        for column in columns[::-1].tolist():
            inferred += idf[column] * concept_themes[column]
        peak = inferred.max()
        if peak == 0:
            peak = np.float32(1.0)
        out += inferred_weight * (inferred / peak).astype(np.float32)
    norms = np.linalg.norm(out[None, :], axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    result: F32 = (out / norms[0]).astype(np.float32)
    return result


def _ticked(ticked: Sequence[Sequence[str]]) -> F32:
    """(n, n_themes): 1 for each ticked theme (unknown slugs ignored)."""
    position = {slug: i for i, slug in enumerate(THEMES)}
    out = np.zeros((len(ticked), len(THEMES)), dtype=np.float32)
    for row, slugs in enumerate(ticked):
        for slug in slugs:
            if slug in position:
                out[row, position[slug]] = 1.0
    return out


def _theme_vectors(
    present: sparse.csr_matrix,
    ticked: F32,
    concept_themes: F32,
    idf: F32,
    inferred_weight: float,
) -> F32:
    out = ticked.copy()
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


def spliced_mentions(
    old: sparse.csc_matrix,
    old_index: Mapping[str, int],
    plan: RowPlan,
    texts: Sequence[str],
    names: Mapping[str, Sequence[str]],
    all_texts: Callable[[], Sequence[str]],
) -> sparse.csc_matrix:
    """`place_mentions` of the offers after `plan`, matching only the fresh texts.

    A name that was no column before (a neighbourhood first tied to an offer now)
    is matched in every text; a column whose name is gone is dropped.

    Args:
        old: The mentions before the update.
        old_index: Slug -> column of `old`.
        plan: Old rows kept and fresh rows placed (`matching.splice`).
        texts: Texts of the fresh offers.
        names: Slug -> names after the update (the new columns, in order).
        all_texts: The texts of all offers after the update (called only when a
            name is new).

    Returns:
        (n, len(names)) CSC bool matrix, as `place_mentions(all_texts(), names)`.
    """
    order = list(names)
    width = max(len(order), 1)
    fresh = sparse.csr_matrix(place_mentions(texts, names))
    if order == list(old_index):
        kept = sparse.csr_matrix(old)
    else:
        position = {slug: i for i, slug in enumerate(order)}
        moved = np.full(max(old.shape[1], 1), -1, dtype=np.int64)
        for slug, col in old_index.items():
            moved[col] = position.get(slug, -1)
        coo = sparse.coo_matrix(old)
        cols = moved[coo.col]
        keep = cols >= 0
        kept = sparse.csr_matrix(
            (coo.data[keep], (coo.row[keep], cols[keep])),
            shape=(old.shape[0], width),
            dtype=bool,
        )
    out = sparse.coo_matrix(plan.rows(kept, fresh))
    new = [slug for slug in order if slug not in old_index]
    if not new:
        return sparse.csc_matrix(out, dtype=bool)
    # A new name is matched in every text (its column is empty in the old rows).
    columns = np.array([order.index(slug) for slug in new], dtype=np.int64)
    found = sparse.coo_matrix(place_mentions(all_texts(), {s: names[s] for s in new}))
    keep = ~np.isin(out.col, columns)
    return sparse.csc_matrix(
        (
            np.concatenate([out.data[keep], found.data]),
            (
                np.concatenate([out.row[keep], found.row]),
                np.concatenate([out.col[keep], columns[found.col]]),
            ),
        ),
        shape=out.shape,
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
        out[column_mask(mentions, column)] = 0.5
    out[table.same_place(neighbourhood)] = 1.0
    return out
