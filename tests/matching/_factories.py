"""Small builders for matching tests (no database, no model)."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt

from matching.types import OfferInput, QuestionInput

REFERENCE = date(2027, 1, 15)


def offer(id: str = "o1", **overrides: Any) -> OfferInput:
    """An active, citywide hbo course with capacity, open Feb-Jul 2027."""
    values: dict[str, Any] = {
        "id": id,
        "kind": "course",
        "title": "Praktijkopdracht",
        "description": "Studenten werken aan een opdracht.",
        "level": "hbo",
        "themes": (),
        "neighbourhoods": (),
        "remaining_capacity": 2,
        "available_from": date(2027, 2, 1),
        "available_until": date(2027, 7, 1),
    }
    values.update(overrides)
    return OfferInput(**values)


def question(id: str = "q1", **overrides: Any) -> QuestionInput:
    """A citywide question open to any level, wanted Feb-Jun 2027."""
    values: dict[str, Any] = {
        "id": id,
        "title": "Vraag",
        "description": "Een vraag van de gemeente.",
        "wanted_from": date(2027, 2, 1),
        "wanted_until": date(2027, 6, 30),
    }
    values.update(overrides)
    return QuestionInput(**values)


def unit_vectors(*rows: list[float]) -> npt.NDArray[np.float32]:
    """Stack rows and L2-normalise them."""
    matrix = np.array(rows, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    out: npt.NDArray[np.float32] = (matrix / norms).astype(np.float32)
    return out
