"""The per-question fast paths give, to the bit, what the plain sparse products give.

`rank` reads only the postings of a question's terms and concepts (CSC copies of the
offer matrices) and builds the question's vectors with numpy instead of scipy
objects (issue 19). Scores, order and explanations must not move, so each fast path
is compared here with the straightforward scipy formulation it replaced, exactly
(`assert_array_equal`, no tolerance), on the real pairings (and the dev set when it
is present), also after `OfferIndex.updated`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from scipy import sparse

from matching.config import DEFAULT_CONFIG
from matching.dataset import Dataset, load_dataset
from matching.features import TopicIndex, _theme_vectors, _ticked
from matching.lexical import LexicalIndex, _char_analyser
from matching.pipeline import OfferIndex, question_text
from matching.text import analyse
from matching.vocabulary import THEMES

ROOT = Path(__file__).parents[2]
SETS = {
    "real-pairings": ROOT / "seeds/eval/real-pairings.json",
    "dev": ROOT.parent / "shared/eval/dev.json",
}
F32 = npt.NDArray[np.float32]


@pytest.fixture(scope="module", params=list(SETS))
def dataset(request: pytest.FixtureRequest) -> Dataset:
    path = SETS[request.param]
    if not path.exists():
        pytest.skip(f"{path} is not present in this checkout")
    return load_dataset(path)


def _indexes(dataset: Dataset) -> list[OfferIndex]:
    """A build, and an update that rewrites, adds and removes offers."""
    built = OfferIndex.build(dataset.offers, None, DEFAULT_CONFIG)
    first, second = dataset.offers[0], dataset.offers[1]
    changed = [
        dataclasses.replace(first, description=second.description + " Ook hitte."),
        dataclasses.replace(second, id="added", title="Schuldhulp in de wijk"),
    ]
    return [built, built.updated(changed, None, removed=[dataset.offers[2].id])]


def _texts(dataset: Dataset) -> list[str]:
    """Question texts, and offer texts as harder (longer) questions."""
    questions = [question_text(q.question) for q in dataset.questions]
    offers = [f"{o.title}. {o.description}" for o in dataset.offers[:40]]
    return questions + offers


def _lexical_reference(lex: LexicalIndex, text: str) -> F32:
    """`LexicalIndex.scores` as CSR products over every stored entry."""
    columns, _ = lex.words.lookup(analyse(text))
    terms = np.zeros(lex.words.terms.size, dtype=np.float32)
    terms[columns] = 1.0
    bm25 = np.asarray(lex.bm25 @ terms).ravel()
    top = float(bm25.max())
    word = bm25 / top if top > 0 else bm25
    assert lex.chars is not None
    assert lex.char_idf is not None
    assert lex.char_norms is not None
    columns, counts = lex.chars.lookup(_char_analyser(*lex.char_range)(text))
    weights = (np.log(counts) + 1.0) * lex.char_idf[columns]
    length = float(np.linalg.norm(weights))
    q = np.zeros(lex.chars.terms.size, dtype=np.float32)
    if length > 0:
        q[columns] = weights / length * lex.char_idf[columns]
    char = np.asarray(lex.chars.weights @ q).ravel() / lex.char_norms
    char_top = float(char.max())
    if char_top > 0:
        char = char / char_top
    out = lex.word_share * word + (1.0 - lex.word_share) * char
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def _rows_l2(matrix: sparse.spmatrix) -> sparse.csr_matrix:
    csr = sparse.csr_matrix(matrix, dtype=np.float32)
    norms = np.sqrt(np.asarray(csr.multiply(csr).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ csr, dtype=np.float32)


def _topic_reference(
    topics: TopicIndex, text: str, themes: tuple[str, ...]
) -> tuple[F32, F32, F32]:
    """`TopicIndex.scores` with scipy matrices on the question side."""
    present = topics.matcher.matrix([text])
    present.data[:] = 1.0
    q_concepts = _rows_l2(present @ sparse.diags(topics.idf))
    concept = np.asarray(topics.concepts @ q_concepts.toarray().ravel()).ravel()
    flags = q_concepts.copy()
    flags.data[:] = 1.0
    q_themes = _theme_vectors(
        flags,
        _ticked([themes]),
        topics.concept_themes,
        topics.idf,
        topics.inferred_weight,
    )[0]
    theme = topics.themes @ q_themes
    return (
        np.clip(concept, 0.0, 1.0).astype(np.float32),
        np.clip(theme, 0.0, 1.0).astype(np.float32),
        q_concepts.toarray()[0],
    )


def test_lexical_scores_read_only_postings_but_equal_the_full_product(dataset):
    for index in _indexes(dataset):
        lex = index.lexical
        for text in _texts(dataset):
            np.testing.assert_array_equal(
                lex.scores(text), _lexical_reference(lex, text), err_msg=text
            )


def test_concept_and_theme_scores_equal_the_scipy_formulation(dataset):
    for index in _indexes(dataset):
        for k, text in enumerate(_texts(dataset)):
            themes = tuple(THEMES[j % len(THEMES)] for j in range(k, k + k % 3))
            concept, theme, q_concepts = index.topics.scores(text, themes)
            ref_concept, ref_theme, ref_q = _topic_reference(index.topics, text, themes)
            np.testing.assert_array_equal(concept, ref_concept, err_msg=text)
            np.testing.assert_array_equal(theme, ref_theme, err_msg=text)
            np.testing.assert_array_equal(q_concepts.toarray()[0], ref_q)


def test_the_postings_are_the_offer_matrices_after_an_update(dataset):
    for index in _indexes(dataset):
        lex, topics = index.lexical, index.topics
        assert lex.bm25_postings is not None
        assert lex.char_postings is not None
        assert lex.chars is not None
        assert topics.postings is not None
        for postings, matrix in (
            (lex.bm25_postings, lex.bm25),
            (lex.char_postings, lex.chars.weights),
            (topics.postings, topics.concepts),
        ):
            assert postings.shape == matrix.shape
            assert (postings != sparse.csc_matrix(matrix)).nnz == 0


def test_the_expertise_need_and_neighbourhood_columns_equal_the_sparse_reads(
    dataset,
):
    index = OfferIndex.build(dataset.offers, None, DEFAULT_CONFIG)
    expertise = index.expertise
    for text in _texts(dataset):
        counts = expertise.question_matcher.matrix([text]).toarray()[0]
        np.testing.assert_array_equal(
            expertise.need(text) > 0, counts > 0, err_msg=text
        )
    for slug, column in index.rules.place_index.items():
        expected = index.rules.places[:, column].toarray().ravel().astype(bool)
        np.testing.assert_array_equal(index.rules.same_place(slug), expected)
