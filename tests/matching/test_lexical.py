from __future__ import annotations

import numpy as np

from matching.lexical import LexicalIndex

TEXTS = [
    "Schuldhulpverlening voor jongvolwassenen met betalingsachterstanden",
    "Fietsparkeren bij het station en stallingsbeleid",
    "Monumenten verduurzamen zonder schade",
]
TITLES = ["Schuldhulp", "Fietsparkeren", "Monumenten"]


def test_best_lexical_match_scores_one():
    index = LexicalIndex.build(TEXTS, TITLES)
    scores = index.scores("Waar parkeren reizigers hun fiets bij het station?")
    assert int(np.argmax(scores)) == 1
    assert scores[1] == 1.0
    assert np.all((scores >= 0) & (scores <= 1))


def test_char_ngrams_catch_dutch_compounds():
    index = LexicalIndex.build(TEXTS, TITLES, word_share=0.0)
    scores = index.scores("Jongeren met schulden")
    assert int(np.argmax(scores)) == 0


def test_words_only_without_char_model():
    index = LexicalIndex.build(TEXTS, TITLES, use_chars=False)
    assert index.chars is None
    scores = index.scores("monumenten")
    assert scores.tolist() == [0.0, 0.0, 1.0]


def test_no_overlap_scores_zero():
    index = LexicalIndex.build(TEXTS, TITLES, use_chars=False)
    assert not index.scores("xyzzy").any()


def test_title_weight_favours_title_terms():
    texts = ["Erfgoed. Over water.", "Water. Over erfgoed."]
    index = LexicalIndex.build(
        texts, ["Erfgoed", "Water"], title_weight=3, use_chars=False
    )
    scores = index.scores("water")
    assert scores[1] > scores[0]
