""" "This was asked before": question-to-question similarity, dense plus lexical.

Unlike offer ranking, duplicate detection needs an absolute scale (is this the same
question?), not a per-question ranking, so the dense cosine is mapped with a fixed
affine calibration: for multilingual-e5-small (query embeddings on both sides),
distinct municipal questions score up to about 0.88 and paraphrases 0.90-0.97, hence
the defaults `dense_low=0.85` (maps to 0) and `dense_high=0.96` (maps to 1).
The lexical part is the cosine of TF-IDF vectors over stemmed words, fitted on the
compared questions only.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
from sklearn.feature_extraction.text import TfidfVectorizer

from matching.errors import InvalidQueryError
from matching.text import analyse

__all__ = ["similar_questions"]


def similar_questions(
    target_vector: npt.NDArray[np.float32] | None,
    other_vectors: npt.NDArray[np.float32] | None,
    *,
    target_text: str | None = None,
    other_texts: Sequence[str] | None = None,
    limit: int = 5,
    min_score: float = 0.3,
    dense_weight: float = 0.7,
    dense_low: float = 0.85,
    dense_high: float = 0.96,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float32]]:
    """Find earlier questions like the target.

    Either side of the evidence may be missing: without vectors only the lexical part
    is used, without texts only the dense part.

    Args:
        target_vector: (d,) L2-normalised query embedding of the target, or None.
        other_vectors: (m, d) L2-normalised query embeddings of the earlier
            questions, or None.
        target_text: `question_text` of the target, or None.
        other_texts: m texts of the earlier questions, or None.
        limit: Maximum number of results.
        min_score: Results scoring below this are dropped.
        dense_weight: Share of the dense part when both parts are available.
        dense_low: Cosine mapped to 0.
        dense_high: Cosine mapped to 1.

    Returns:
        (indices, scores): int64 indices into the earlier questions, best first
        (ties by index), and their float32 scores in [0, 1].

    Raises:
        InvalidQueryError: When neither vectors nor texts are given, or their
            lengths disagree.
    """
    parts: list[tuple[float, npt.NDArray[np.float32]]] = []
    m: int | None = None
    if target_vector is not None and other_vectors is not None:
        others = np.asarray(other_vectors, dtype=np.float32)
        if others.ndim != 2:
            raise InvalidQueryError("other_vectors must have shape (m, d)")
        m = others.shape[0]
        if m:
            cos = others @ np.asarray(target_vector, dtype=np.float32).ravel()
            dense = np.clip((cos - dense_low) / (dense_high - dense_low), 0.0, 1.0)
        else:
            dense = np.zeros(0, dtype=np.float32)
        parts.append((dense_weight, dense.astype(np.float32)))
    if target_text is not None and other_texts is not None:
        if m is not None and len(other_texts) != m:
            raise InvalidQueryError("other_texts and other_vectors differ in length")
        m = len(other_texts)
        parts.append(
            (1.0 - dense_weight if parts else 1.0, _lexical(target_text, other_texts))
        )
    if m is None:
        raise InvalidQueryError("give vectors, texts, or both")
    total_weight = sum(w for w, _ in parts)
    scores = np.zeros(m, dtype=np.float32)
    for weight, values in parts:
        scores += (weight / total_weight) * values
    keep = np.flatnonzero(scores >= min_score)
    order = keep[np.lexsort((keep, -scores[keep].astype(np.float64)))][:limit]
    return order.astype(np.int64), scores[order].astype(np.float32)


def _lexical(target: str, others: Sequence[str]) -> npt.NDArray[np.float32]:
    if not others:
        return np.zeros(0, dtype=np.float32)
    vectoriser = TfidfVectorizer(analyzer=analyse, sublinear_tf=True, dtype=np.float32)
    try:
        matrix = vectoriser.fit_transform([*others, target])
    except ValueError:  # no terms at all (e.g. only stop words)
        return np.zeros(len(others), dtype=np.float32)
    sims = (matrix[:-1] @ matrix[-1].T).toarray().ravel()
    result: npt.NDArray[np.float32] = np.clip(sims, 0.0, 1.0).astype(np.float32)
    return result
