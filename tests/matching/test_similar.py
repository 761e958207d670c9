from __future__ import annotations

import numpy as np
import pytest

from matching.errors import InvalidQueryError
from matching.similar import similar_questions
from tests.matching._factories import unit_vectors

TEXTS = [
    "Eenzaamheid onder ouderen in Leiden-Noord",
    "Fietsparkeren rond het station",
    "Vapen onder scholieren",
]


def test_dense_and_lexical_find_the_duplicate():
    others = unit_vectors([1, 0, 0], [0, 1, 0], [0, 0, 1])
    target = unit_vectors([1, 0.05, 0])[0]
    idx, scores = similar_questions(
        target, others, target_text="Eenzame ouderen in Leiden-Noord", other_texts=TEXTS
    )
    assert idx.tolist() == [0]
    assert 0.3 <= scores[0] <= 1.0


def test_lexical_only():
    idx, _ = similar_questions(
        None,
        None,
        target_text="Vapen en e-sigaretten onder scholieren",
        other_texts=TEXTS,
    )
    assert idx.tolist() == [2]


def test_dense_only_respects_limit_and_order():
    others = unit_vectors([1, 0], [1, 0.01], [0, 1])
    idx, scores = similar_questions(unit_vectors([1, 0.005])[0], others, limit=1)
    assert idx.tolist() == [0] or idx.tolist() == [1]
    assert len(idx) == 1
    assert scores.dtype == np.float32


def test_nothing_similar():
    idx, scores = similar_questions(None, None, target_text="xyz", other_texts=TEXTS)
    assert idx.size == 0
    assert scores.size == 0


def test_needs_some_evidence():
    with pytest.raises(InvalidQueryError):
        similar_questions(None, None)
    with pytest.raises(InvalidQueryError):
        similar_questions(
            np.ones(2, np.float32),
            np.ones((2, 2), np.float32),
            target_text="x",
            other_texts=["a"],
        )
