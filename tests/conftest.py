"""Fixtures that need no database and no model."""

from __future__ import annotations

import os

# Tests never reach a model hub; the real model comes from the local cache.
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
