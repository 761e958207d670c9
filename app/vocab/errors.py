"""Refusals of typed vocabulary: a theme, place, institution or city that is unknown."""

from __future__ import annotations

from collections.abc import Sequence

from app.errors import FieldError, allowed


class UnknownTheme(FieldError):
    def __init__(self, slug: str, *, known: Sequence[str], field: str) -> None:
        super().__init__(
            f"unknown theme {slug!r}",
            field=field,
            field_message=f"unknown theme {slug!r}; allowed: {allowed(known)}",
        )
        self.slug = slug


class UnknownNeighbourhood(FieldError):
    """`known` are the district names of the city (any buurt in them works too)."""

    def __init__(
        self, name: str, *, known_slugs: Sequence[str], known: Sequence[str], field: str
    ) -> None:
        super().__init__(
            f"unknown neighbourhood {name!r}",
            field=field,
            field_message=f"unknown neighbourhood {name!r}; allowed: "
            f"{allowed(known_slugs)} or a buurt name within them",
        )
        self.name = name
        self.known = list(known)


class UnknownInstitution(FieldError):
    def __init__(self, name: str, *, known: Sequence[str], field: str) -> None:
        super().__init__(
            f"unknown institution {name!r}",
            field=field,
            field_message=f"unknown institution {name!r}; allowed: {allowed(known)}",
        )
        self.name = name


class UnknownMunicipality(FieldError):
    def __init__(self, slug: str, *, known: Sequence[str], field: str) -> None:
        super().__init__(
            f"unknown municipality {slug!r}",
            field=field,
            field_message=f"unknown municipality {slug!r}; allowed: {allowed(known)}",
        )
        self.slug = slug
