"""Refusals of the student portal."""

from __future__ import annotations

from app.errors import FieldError, NotFoundError


class AssignmentNotFound(NotFoundError):
    """Not public, not open, or not there: students see only public open work."""

    def __init__(self) -> None:
        super().__init__("assignment not found")


class DayAndPeriodGiven(FieldError):
    def __init__(self) -> None:
        super().__init__(
            "give either on or from/until",
            field="on",
            field_message="cannot be combined with from or until",
        )
