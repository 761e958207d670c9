"""Fixtures that need no database and no model."""

from __future__ import annotations

import gc
import os

import pytest

# Tests never reach a model hub; the real model comes from the local cache.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """Spare the process its last full garbage collection: after the whole suite
    the heap is several GB, and collecting it at exit took minutes of CI time for
    memory the operating system frees at once."""
    gc.freeze()
