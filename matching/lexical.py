"""Lexical evidence: BM25 over stemmed words plus TF-IDF over character n-grams.

Both are computed once per offer set (in `OfferIndex.build`), with a CSC copy of each
weight matrix (an inverted index); scoring a question reads only the postings of its
own terms (`matching.postings`), so the cost per question grows with the number of
matching postings, not with the offer set's size or a Python loop over offers.

- Words: `matching.text.analyse` (accent folding, stop words, Snowball stems per
  language). The title is counted `title_weight` times (field weighting: a title is a
  dense summary of the offer). Weighted with Okapi BM25 (k1, b).
- Character 4-grams (within word boundaries, scikit-learn's `char_wb` analyser) over
  folded text: they catch Dutch compounds (`schuldhulpverlening` vs `schulden`) and
  inflections the stemmer misses. Weighted with sublinear TF-IDF and compared by
  cosine. 4-grams alone match 3-5-grams in quality on the evaluation sets at a third
  of the postings (latency, memory).

The two are combined as `word_share * bm25 + (1 - word_share) * char`, where each
part is divided by the question's best score over the offer set, so it lies in [0, 1]
whatever the query length (1 = the lexically closest offer).

Incremental updates: the index keeps each offer's analysed terms (`TermRows`: counts
over a sorted vocabulary), so `spliced` analyses only changed offers and recomputes
the global statistics (document frequencies, IDF, average length, row norms) from
the rows with a few vectorised passes. The char IDF is applied on the question side
and the row norms are kept apart (`char_norms`), so an update does not rewrite every
char weight when one document frequency moves. The vocabulary is exactly the sorted
set of terms in the current rows, so the state does not depend on the update history
and equals that of a fresh build.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import numpy.typing as npt
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.postings import postings_product
from matching.splice import RowPlan
from matching.text import STOPWORDS, analyse, fold

__all__ = ["LexicalIndex", "TermRows"]

F32 = npt.NDArray[np.float32]
I64 = npt.NDArray[np.int64]


def _char_preprocess(text: str) -> str:
    return " ".join(t for t in fold(text).split() if t not in STOPWORDS and len(t) > 2)


@lru_cache(maxsize=4)
def _char_analyser(char_min: int, char_max: int) -> Callable[[str], list[str]]:
    """scikit-learn's `char_wb` n-grams of `_char_preprocess(text)`."""
    analyser: Callable[[str], list[str]] = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(char_min, char_max),
        preprocessor=_char_preprocess,
    ).build_analyzer()
    return analyser


def _merge_sorted(
    a: npt.NDArray[np.str_], b: npt.NDArray[np.str_]
) -> tuple[npt.NDArray[np.str_], I64]:
    """Merge two sorted, disjoint term arrays; also the new position of each of `a`."""
    a_at = np.arange(a.size, dtype=np.int64) + np.searchsorted(b, a)
    b_at = np.arange(b.size, dtype=np.int64) + np.searchsorted(a, b)
    out = np.empty(a.size + b.size, dtype=np.promote_types(a.dtype, b.dtype))
    out[a_at] = a
    out[b_at] = b
    return out, a_at


@dataclass(frozen=True, slots=True)
class TermRows:
    """Per-offer term weights over a sorted vocabulary: the analysed offers.

    Attributes:
        terms: (V,) the sorted terms that occur in at least one row.
        weights: (n, V) float32 CSR with sorted indices: each row's count of each
            term, or `1 + ln(count)` when `sublinear`.
        df: (V,) int64 number of rows each term occurs in (all >= 1).
        sublinear: Whether the weights are sublinear counts.
    """

    terms: npt.NDArray[np.str_]
    weights: sparse.csr_matrix
    df: I64
    sublinear: bool

    @classmethod
    def empty(cls, *, sublinear: bool) -> TermRows:
        """No rows and no terms."""
        return cls(
            np.zeros(0, dtype="<U1"),
            sparse.csr_matrix((0, 0), dtype=np.float32),
            np.zeros(0, dtype=np.int64),
            sublinear,
        )

    def spliced(self, plan: RowPlan, fresh: Sequence[Sequence[str]]) -> TermRows:
        """The rows after `plan`, with `fresh` the tokens of each fresh row.

        Args:
            plan: Which old rows are kept, and where the fresh ones go.
            fresh: Per fresh row, its tokens (repeats count).

        Returns:
            The new rows, their vocabulary (terms of dropped rows that no row has
            any more are gone, new terms are inserted in order) and frequencies.
        """
        counters = [Counter(tokens) for tokens in fresh]
        seen = np.array(sorted(set().union(*counters)), dtype=np.str_)
        if seen.size == 0:
            seen = np.zeros(0, dtype="<U1")
        old = self.weights
        dropped = plan.dropped
        kept_df = self.df.copy()
        if dropped.size:
            lost = sparse.csr_matrix(old[dropped]).indices
            kept_df -= np.bincount(lost, minlength=self.terms.size)
        at = np.searchsorted(self.terms, seen)
        known = at < self.terms.size
        known[known] = self.terms[at[known]] == seen[known]
        alive = kept_df > 0
        alive[at[known]] = True
        terms, moved = _merge_sorted(self.terms[alive], seen[~known])
        where = None  # same vocabulary: old columns stay where they are
        if terms.size != self.terms.size or not alive.all():
            where = np.zeros(self.terms.size, dtype=np.int32)
            where[alive] = moved  # dead columns occur only in dropped rows
        column = dict(
            zip(seen.tolist(), np.searchsorted(terms, seen).tolist(), strict=True)
        )
        rows: list[int] = []
        cols: list[int] = []
        vals: list[int] = []
        for row, counter in enumerate(counters):
            for term, count in counter.items():
                rows.append(row)
                cols.append(column[term])
                vals.append(count)
        data = np.array(vals, dtype=np.float32)
        if self.sublinear:
            data = (np.log(data) + 1.0).astype(np.float32)
        new = sparse.csr_matrix(
            (data, (rows, cols)), shape=(len(counters), terms.size), dtype=np.float32
        )
        new.sort_indices()
        weights = plan.rows(old, new, columns=where)
        df = np.bincount(weights.indices, minlength=terms.size).astype(np.int64)
        return TermRows(terms, weights, df, self.sublinear)

    def lookup(self, tokens: Iterable[str]) -> tuple[I64, F32]:
        """Columns and counts of the tokens the vocabulary knows (others dropped)."""
        counter = Counter(tokens)
        if not counter or self.terms.size == 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        found = np.array(list(counter), dtype=np.str_)
        counts = np.array(list(counter.values()), dtype=np.float32)
        at = np.searchsorted(self.terms, found)
        ok = at < self.terms.size
        ok[ok] = self.terms[at[ok]] == found[ok]
        return at[ok].astype(np.int64), counts[ok]


@dataclass(frozen=True, slots=True)
class LexicalIndex:
    """Lexical model of an offer set.

    Attributes:
        words: Title-weighted counts of stemmed words per offer.
        bm25: BM25-weighted document-term matrix, shape (n_offers, n_terms).
        chars: Sublinear char n-gram counts per offer, or None when disabled.
        char_idf: (n_ngrams,) smoothed IDF of the n-grams, or None.
        char_norms: (n_offers,) L2 norm of each offer's TF-IDF row (1 for an empty
            row), or None.
        title_weight: How many times a title term counts.
        k1: BM25 term-frequency saturation.
        b: BM25 length normalisation.
        char_range: Shortest and longest char n-gram.
        word_share: Weight of the BM25 part in `scores` when both parts exist.
        bm25_postings: `bm25` as CSC (an inverted index): a question touches only
            the postings of its own terms.
        char_postings: `chars.weights` as CSC, or None.
    """

    words: TermRows
    bm25: sparse.csr_matrix
    chars: TermRows | None
    char_idf: F32 | None
    char_norms: F32 | None
    title_weight: int
    k1: float
    b: float
    char_range: tuple[int, int]
    word_share: float
    bm25_postings: sparse.csc_matrix
    char_postings: sparse.csc_matrix | None

    @classmethod
    def build(
        cls,
        texts: Sequence[str],
        titles: Sequence[str],
        *,
        title_weight: int = 2,
        k1: float = 1.2,
        b: float = 0.75,
        use_chars: bool = True,
        char_min: int = 4,
        char_max: int = 4,
        word_share: float = 0.5,
    ) -> LexicalIndex:
        """Analyse the offers and weight their terms.

        Args:
            texts: n full offer texts (title and description).
            titles: n offer titles; each is added `title_weight - 1` extra times.
            title_weight: How many times a title term counts.
            k1: BM25 term-frequency saturation.
            b: BM25 length normalisation.
            use_chars: Keep the char n-gram model too (costs memory on large sets).
            char_min: Shortest char n-gram.
            char_max: Longest char n-gram.
            word_share: Weight of BM25 against char n-grams, in [0, 1].

        Returns:
            The index.
        """
        empty = cls(
            words=TermRows.empty(sublinear=False),
            bm25=sparse.csr_matrix((0, 0), dtype=np.float32),
            chars=TermRows.empty(sublinear=True) if use_chars else None,
            char_idf=None,
            char_norms=None,
            title_weight=title_weight,
            k1=k1,
            b=b,
            char_range=(char_min, char_max),
            word_share=word_share,
            bm25_postings=sparse.csc_matrix((0, 0), dtype=np.float32),
            char_postings=None,
        )
        return empty.spliced(RowPlan.fresh(len(texts)), texts, titles)

    def spliced(
        self, plan: RowPlan, texts: Sequence[str], titles: Sequence[str]
    ) -> LexicalIndex:
        """The index after `plan`, analysing only the fresh offers.

        Args:
            plan: Old rows kept and fresh rows placed (`matching.splice`).
            texts: Full texts of the fresh offers.
            titles: Titles of the fresh offers.

        Returns:
            The index a build on the resulting offers gives.
        """
        docs = [
            " ".join([title] * (self.title_weight - 1) + [text])
            for text, title in zip(texts, titles, strict=True)
        ]
        words = self.words.spliced(plan, [analyse(doc) for doc in docs])
        chars = char_idf = char_norms = None
        if self.chars is not None:
            grams = _char_analyser(*self.char_range)
            chars = self.chars.spliced(plan, [grams(doc) for doc in docs])
            n = chars.weights.shape[0]
            char_idf = (np.log((n + 1.0) / (chars.df + 1.0)) + 1.0).astype(np.float32)
            squares = sparse.csr_matrix(
                (
                    np.square(chars.weights.data),
                    chars.weights.indices,
                    chars.weights.indptr,
                ),
                shape=chars.weights.shape,
            )
            char_norms = np.sqrt(squares @ np.square(char_idf)).astype(np.float32)
            char_norms[char_norms == 0] = 1.0
        bm25 = _bm25(words, self.k1, self.b)
        return LexicalIndex(
            words=words,
            bm25=bm25,
            chars=chars,
            char_idf=char_idf,
            char_norms=char_norms,
            title_weight=self.title_weight,
            k1=self.k1,
            b=self.b,
            char_range=self.char_range,
            word_share=self.word_share,
            bm25_postings=sparse.csc_matrix(bm25),
            char_postings=None if chars is None else sparse.csc_matrix(chars.weights),
        )

    def scores(self, text: str) -> F32:
        """Lexical similarity of one question to every offer.

        Args:
            text: The question text (`question_text`).

        Returns:
            Array of shape (n_offers,), values in [0, 1]; 1 is the best-matching
            offer for the BM25 part.
        """
        n = self.bm25.shape[0]
        if self.words.terms.size == 0:  # no offers, or only stop words
            return np.zeros(n, dtype=np.float32)
        columns, _ = self.words.lookup(analyse(text))
        bm25 = postings_product(
            self.bm25_postings, n, columns, np.ones(columns.size, dtype=np.float32)
        )
        top = float(bm25.max()) if bm25.size else 0.0
        word = bm25 / top if top > 0 else bm25
        chars = self.chars
        if (
            chars is None
            or chars.terms.size == 0
            or self.char_idf is None
            or self.char_norms is None
        ):
            return word.astype(np.float32)
        columns, counts = chars.lookup(_char_analyser(*self.char_range)(text))
        weights = (np.log(counts) + 1.0) * self.char_idf[columns]
        length = float(np.linalg.norm(weights))
        if length > 0:
            # Row weights are tf only: the offers' IDF is applied here.
            q = (weights / length * self.char_idf[columns]).astype(np.float32)
        else:
            q = np.zeros(columns.size, dtype=np.float32)
        char = postings_product(self.char_postings, n, columns, q) / self.char_norms
        char_top = float(char.max()) if char.size else 0.0
        if char_top > 0:
            char = char / char_top
        out = self.word_share * word + (1.0 - self.word_share) * char
        return np.clip(out, 0.0, 1.0).astype(np.float32)


def _bm25(words: TermRows, k1: float, b: float) -> sparse.csr_matrix:
    """Okapi BM25 weights of the counted words (IDF and average length of these rows)."""
    counts = words.weights
    n_docs = max(counts.shape[0], 1)
    df = words.df.astype(np.float32)
    idf = np.log1p((n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    avg = float(lengths.mean()) if lengths.size else 1.0
    norm = k1 * (1.0 - b + b * lengths / max(avg, 1e-6))
    row_norm = np.repeat(norm, np.diff(counts.indptr))
    data = counts.data * (k1 + 1.0) / (counts.data + row_norm) * idf[counts.indices]
    return sparse.csr_matrix(
        (data.astype(np.float32), counts.indices, counts.indptr),
        shape=counts.shape,
        dtype=np.float32,
    )
