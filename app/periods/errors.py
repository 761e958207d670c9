"""Refusals of the academic-period use cases."""

from __future__ import annotations

from app.errors import ConflictError, FieldError, NotFoundError, PermissionDeniedError


class PeriodNameTaken(ConflictError):
    def __init__(self, name: str, institution: str) -> None:
        super().__init__(
            f"{institution} already has a period named {name!r}; choose another name",
            fields={"name": "already used by this institution"},
        )


class PeriodNotFound(FieldError):
    """A `period_id` that names no period of the offer's institution."""

    def __init__(self, field: str = "period_id") -> None:
        super().__init__(
            f"{field} is not a period of the offer's institution",
            field=field,
            field_message="must be a period of the offer's institution (GET /api/periods)",
        )


class PeriodOrDates(FieldError):
    def __init__(self) -> None:
        super().__init__(
            "give either period_id or available_from/available_until, not both",
            field="period_id",
            field_message="cannot be combined with available_from or available_until",
        )


class NotYourInstitution(PermissionDeniedError):
    def __init__(self) -> None:
        super().__init__("providers declare periods for their own institution only")


class NoSuchPeriod(NotFoundError):
    def __init__(self) -> None:
        super().__init__("period not found")
