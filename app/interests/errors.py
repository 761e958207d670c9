"""Refusals of a student's interest."""

from __future__ import annotations

from collections.abc import Sequence

from app.errors import FieldError, allowed


class LevelNotAccepted(FieldError):
    def __init__(self, levels: Sequence[str]) -> None:
        super().__init__(
            f"this assignment is for {allowed(list(levels))} students",
            field="level",
            field_message=f"this assignment accepts {allowed(list(levels))}",
        )
        self.levels = list(levels)
