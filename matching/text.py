"""Text normalisation for Dutch and English: accent folding, tokens, stop words, stems.

Everything here is deterministic and pure, so the same text always yields the same
tokens (the lexical index and the concept matcher both rely on that).

Stemming uses the Snowball stemmers of the `snowballstemmer` package: the Dutch
Porter variant (conservative, keeps `gemeente` and `schulden` apart from unrelated
words) for Dutch text and Porter2 for English text. The language is guessed per text
from stop-word counts, so a Dutch question and an English offer are each stemmed by
their own rules; bridging the two languages is the job of the dense model and of the
concept vocabulary, not of the stemmer.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

import snowballstemmer  # type: ignore[import-untyped]

__all__ = [
    "STOPWORDS",
    "analyse",
    "detect_language",
    "fold",
    "stem",
    "tokenize",
]

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
# Non-ASCII characters that are not combining marks (U+0300-U+036F).
_NON_ASCII_SYMBOL = re.compile(r"[^\x00-\x7f\u0300-\u036f]")
# Ligatures and letters NFKD does not decompose into ASCII.
_SPECIAL = str.maketrans(
    {"ĳ": "ij", "Ĳ": "ij", "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe"}
)

_STOPWORDS_NL_TEXT = """
    aan al alle alleen als altijd ander andere anders bij binnen daar daarom dan dat de
    deze die dit doen door dus een eens eigen en er erg even ge geen gaan gaat gedaan
    hadden had hebben heeft het hier hij hoe hun ik in is ja je jij kan kon kunnen
    maar me meer men met mij mijn moet moeten na naar niet niets nog nu of om omdat
    onder ons onze ook op over reeds nieuw nieuwe samen sommige steeds te tegen toch
    toen tot u uit uw van veel voor vooral waar wanneer want waren was wat we wel
    welke werd wie wij wil willen worden wordt zal ze zelf zich zij zijn zo zoals
    zonder zou zouden zullen elk elke iets iemand hen haar hem waarom bijvoorbeeld
    ongeveer soms vaak zeer heel echt ook hoe
"""
_STOPWORDS_EN_TEXT = """
    a an and are as at be been being but by can could do does did for from had has
    have how i if in into is it its itself of on or our ours so such than that the
    their them then there these they this those to too was we were what when where
    which while who whom why will with would you your also can may might must should
    not no any all each both more most other some very just only own same about
    above after before between during through under over again further once here
    new often well such us
"""
STOPWORDS_NL: frozenset[str] = frozenset(_STOPWORDS_NL_TEXT.split())
STOPWORDS_EN: frozenset[str] = frozenset(_STOPWORDS_EN_TEXT.split())
STOPWORDS: frozenset[str] = STOPWORDS_NL | STOPWORDS_EN

# Words that mark a text as English (a subset of STOPWORDS_EN that is not Dutch).
_EN_MARKER_TEXT = (
    "the and of is are with for to how which this that they their from we our"
)
_NL_MARKER_TEXT = (
    "de het een en van is zijn met voor hoe welke dit dat zij hun wij onze niet"
)
_EN_MARKERS = frozenset(_EN_MARKER_TEXT.split())
_NL_MARKERS = frozenset(_NL_MARKER_TEXT.split())


def fold(text: str) -> str:
    """Lower-case, strip accents and replace every non-alphanumeric run by one space.

    Args:
        text: Any text.

    Returns:
        ASCII text of `[a-z0-9 ]`, without leading or trailing space:
        `"Geïsoleerde Cafés, e-bikes"` becomes `"geisoleerde cafes e bikes"`.
    """
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL).lower())
    # Non-ASCII symbols become spaces (so they still separate words); the combining
    # accents NFKD split off are then dropped by the ASCII encoding.
    spaced = _NON_ASCII_SYMBOL.sub(" ", decomposed)
    ascii_text = spaced.encode("ascii", "ignore").decode("ascii")
    return _NON_ALNUM.sub(" ", ascii_text).strip()


def tokenize(text: str) -> list[str]:
    """Split text into folded tokens (stop words kept).

    Args:
        text: Any text.

    Returns:
        Folded tokens in order; single letters are dropped, numbers are kept.
    """
    return [t for t in fold(text).split() if len(t) > 1 or t.isdigit()]


def detect_language(tokens: list[str]) -> str:
    """Guess whether folded tokens are Dutch or English by counting marker words.

    Args:
        tokens: Output of `tokenize`.

    Returns:
        `"en"` when English markers outnumber Dutch ones, else `"nl"` (the default
        language of the service).
    """
    en = sum(1 for t in tokens if t in _EN_MARKERS)
    nl = sum(1 for t in tokens if t in _NL_MARKERS)
    return "en" if en > nl else "nl"


_per_thread = threading.local()


def _stemmer(language: str) -> snowballstemmer.stemmer:
    """This thread's stemmer: a Snowball stemmer keeps the word it works on in the
    instance, so one shared by the server's threads garbles words or raises."""
    stemmers: dict[str, snowballstemmer.stemmer] | None = getattr(
        _per_thread, "stemmers", None
    )
    if stemmers is None:
        stemmers = _per_thread.stemmers = {}
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(
            "english" if language == "en" else "dutch_porter"
        )
    return stemmers[language]


@lru_cache(maxsize=200_000)
def stem(token: str, language: str) -> str:
    """Stem one folded token with the Snowball stemmer of `language`.

    Args:
        token: A folded token.
        language: `"nl"` or `"en"`.

    Returns:
        The stem; numbers and tokens shorter than four letters are returned as is.
    """
    if len(token) < 4 or token.isdigit():
        return token
    result: str = _stemmer(language).stemWord(token)
    return result


def analyse(text: str, language: str | None = None) -> list[str]:
    """Turn text into stemmed content terms for the lexical index.

    Args:
        text: Any text.
        language: Force `"nl"` or `"en"`; None guesses it from the text.

    Returns:
        Stems of the non-stop-word tokens, in order (duplicates kept, so term
        frequency survives).
    """
    tokens = tokenize(text)
    lang = language or detect_language(tokens)
    return [stem(t, lang) for t in tokens if t not in STOPWORDS]
