from __future__ import annotations

import threading

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


def test_stemming_from_many_threads_gives_the_single_threaded_stems() -> None:
    """The server ranks on several threads at once; a Snowball stemmer shared
    between them garbled words or raised IndexError under load."""
    words = [
        f"{base}{suffix}"
        for base in ("verduurzam", "bewoner", "wijk", "onderzoek", "gemeent")
        for suffix in ("ing", "ingen", "en", "elijk", "heden", "ster", "tjes")
    ] * 40
    expected = [_stemmer_for_reference(w) for w in words]
    results: list[list[str]] = []

    def work() -> None:
        results.append([stem.__wrapped__(w, "nl") for w in words])

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8
    assert all(r == expected for r in results)


def _stemmer_for_reference(word: str) -> str:
    import snowballstemmer  # type: ignore[import-untyped]

    out: str = snowballstemmer.stemmer("dutch_porter").stemWord(word)
    return out
