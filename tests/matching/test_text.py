from __future__ import annotations

import pytest

from matching.text import analyse, detect_language, fold, stem, tokenize


def test_fold_strips_accents_case_and_punctuation():
    assert fold("Geïsoleerde Cafés, e-bikes & 75-plussers!") == (
        "geisoleerde cafes e bikes 75 plussers"
    )


def test_fold_handles_ligatures():
    assert fold("ĳs") == "ijs"


def test_tokenize_drops_single_letters_but_keeps_numbers():
    assert tokenize("a 7 jongeren e-sigaret") == ["7", "jongeren", "sigaret"]


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("De gemeente wil weten hoe het met de ouderen gaat.", "nl"),
        ("The group studies how residents use the park.", "en"),
        ("", "nl"),
    ],
)
def test_detect_language(text, language):
    assert detect_language(tokenize(text)) == language


def test_dutch_stemmer_conflates_plural_and_singular():
    assert stem("schulden", "nl") == stem("schuld", "nl")
    assert stem("woningen", "nl") == stem("woning", "nl")


def test_english_stemmer_is_used_for_english():
    assert stem("municipalities", "en") == stem("municipality", "en")


def test_analyse_removes_stop_words_and_stems():
    terms = analyse("De huurders van de woningen")
    assert "de" not in terms
    assert terms == [stem("huurders", "nl"), stem("woningen", "nl")]


def test_analyse_is_deterministic():
    text = "Loneliness among older residents in Leiden"
    assert analyse(text) == analyse(text)
