"""Refusals of onboarding a city."""

from __future__ import annotations

from app.errors import ConflictError, FieldError, NotFoundError


class MunicipalityExists(ConflictError):
    def __init__(self, slug: str) -> None:
        super().__init__(
            f"municipality {slug!r} already exists",
            fields={"slug": f"{slug!r} is taken"},
        )
        self.slug = slug


class DuplicateDistrictName(FieldError):
    """A district slug, name or buurt alias may point at one district only."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"district name {name!r} is used twice",
            field="districts",
            field_message=f"{name!r} names more than one district; "
            "each slug, name and alias must be unique within the city",
        )
        self.name = name


class MunicipalityNotFound(NotFoundError):
    def __init__(self, slug: str) -> None:
        super().__init__(f"municipality {slug!r} not found")
        self.slug = slug
