"""HashingEncoder, the model-free fake, and the encoder helpers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

from matching.encoders import (
    Encoder,
    HashingEncoder,
    SentenceTransformerEncoder,
    load_encoder,
    text_hash,
)
from matching.errors import EncoderError

TEXTS = [
    "Onderzoek naar eenzaamheid onder ouderen in Overvecht",
    "Eenzaamheid bij ouderen: een onderzoek in Utrecht-Overvecht",
    "Groene schoolpleinen tegen hittestress",
    "How can students measure air quality?",
]


def test_hashing_encoder_shapes_and_dtype() -> None:
    encoder: Encoder = HashingEncoder(64)
    queries = encoder.encode_queries(TEXTS)
    passages = encoder.encode_passages(TEXTS[:2])
    assert queries.shape == (4, 64)
    assert passages.shape == (2, 64)
    assert queries.dtype == passages.dtype == np.float32
    assert encoder.dimension == 64
    assert encoder.model_name == "hashing-64"


def test_hashing_encoder_rows_are_l2_normalised() -> None:
    vectors = HashingEncoder().encode_passages(TEXTS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-6)
    assert (vectors >= 0).all()


def test_hashing_encoder_is_deterministic_across_instances() -> None:
    first = HashingEncoder(128).encode_queries(TEXTS)
    second = HashingEncoder(128).encode_queries(list(reversed(TEXTS)))[::-1]
    assert np.array_equal(first, second)


def test_hashing_encoder_empty_input_has_shape_zero_by_d() -> None:
    encoder = HashingEncoder(32)
    assert encoder.encode_queries([]).shape == (0, 32)
    assert encoder.encode_passages(()).shape == (0, 32)
    assert encoder.encode_queries([]).dtype == np.float32


def test_hashing_encoder_empty_text_gives_zero_row() -> None:
    vectors = HashingEncoder(16).encode_passages(["", "iets"])
    assert not vectors[0].any()
    assert np.isclose(np.linalg.norm(vectors[1]), 1.0)


def test_hashing_encoder_folds_case_and_accents() -> None:
    vectors = HashingEncoder().encode_queries(["Café Reünie", "cafe reunie"])
    assert np.allclose(vectors[0], vectors[1])


def test_hashing_encoder_similar_texts_score_higher() -> None:
    vectors = HashingEncoder(512).encode_passages(TEXTS)
    scores = vectors @ vectors[0]
    assert scores[1] > scores[2]
    assert scores[1] > scores[3]


def test_hashing_encoder_rejects_non_positive_dimension() -> None:
    with pytest.raises(ValueError, match="positive"):
        HashingEncoder(0)


def test_text_hash_is_sha256_of_utf8_text() -> None:
    assert text_hash("café") == hashlib.sha256("café".encode()).hexdigest()
    assert text_hash("a") != text_hash("a ")
    assert len(text_hash("")) == 64


def test_load_encoder_hashing_name() -> None:
    encoder = load_encoder("hashing-48")
    assert isinstance(encoder, HashingEncoder)
    assert encoder.dimension == 48


def test_load_encoder_other_name_is_lazy_and_keeps_name() -> None:
    encoder = load_encoder("intfloat/multilingual-e5-small")
    assert isinstance(encoder, SentenceTransformerEncoder)
    assert encoder.model_name == "intfloat/multilingual-e5-small"


def test_load_encoder_without_prepared_model_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(EncoderError, match="kennisbrug model prepare"):
        load_encoder(None, tmp_path)
    with pytest.raises(EncoderError, match="kennisbrug model prepare"):
        load_encoder("", tmp_path)


def test_sentence_transformer_encoder_wraps_load_failure(tmp_path: Path) -> None:
    encoder = SentenceTransformerEncoder(str(tmp_path), name="broken")
    assert encoder.model_name == "broken"
    with pytest.raises(EncoderError, match="cannot load"):
        encoder.encode_queries(["x"])
