"""Resolve user-typed vocabulary (theme slugs, buurt names, institutions) to rows.

Unknown values raise a 422 that names the field and lists what is allowed.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Iterable

from sqlalchemy.orm import Session

from app.errors import UnprocessableError, allowed
from app.models import Institution, Municipality, Neighbourhood, Theme
from app.vocab import repository


def fold(text: str) -> str:
    """Case- and accent-insensitive key: "Slaaghwijk " and "slaaghwijk" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("-", " ").split())


def resolve_themes(
    session: Session, slugs: Iterable[str], *, field: str = "themes"
) -> list[Theme]:
    by_slug = {t.slug: t for t in repository.list_themes(session)}
    wanted = list(dict.fromkeys(slugs))
    unknown = [s for s in wanted if s not in by_slug]
    if unknown:
        raise UnprocessableError(
            f"unknown theme {unknown[0]!r}",
            fields={
                field: f"unknown theme {unknown[0]!r}; allowed: {allowed(sorted(by_slug))}"
            },
        )
    return [by_slug[s] for s in wanted]


def match_neighbourhood(
    neighbourhoods: Iterable[Neighbourhood], name: str
) -> Neighbourhood | None:
    """The district whose slug, name or one of whose buurt aliases equals `name`."""
    key = fold(name)
    for hood in neighbourhoods:
        keys = {fold(hood.slug), fold(hood.name), *(fold(a) for a in hood.aliases)}
        if key in keys:
            return hood
    return None


def resolve_neighbourhood(
    session: Session,
    municipality_id: uuid.UUID,
    name: str,
    *,
    field: str = "neighbourhood",
) -> Neighbourhood:
    hoods = repository.list_neighbourhoods(session, municipality_id)
    hood = match_neighbourhood(hoods, name)
    if hood is None:
        raise UnprocessableError(
            f"unknown neighbourhood {name!r}",
            fields={
                field: f"unknown neighbourhood {name!r}; allowed: "
                f"{allowed([h.slug for h in hoods])} or a buurt name within them"
            },
        )
    return hood


def resolve_neighbourhoods(
    session: Session,
    municipality_id: uuid.UUID,
    names: Iterable[str],
    *,
    field: str = "neighbourhoods",
) -> list[Neighbourhood]:
    resolved = [
        resolve_neighbourhood(session, municipality_id, n, field=field) for n in names
    ]
    return list({h.id: h for h in resolved}.values())


def resolve_institution(
    session: Session, name: str, *, field: str = "institution"
) -> Institution:
    institutions = repository.list_institutions(session)
    key = fold(name)
    for inst in institutions:
        if key in {fold(inst.name), fold(inst.short_name)}:
            return inst
    raise UnprocessableError(
        f"unknown institution {name!r}",
        fields={
            field: f"unknown institution {name!r}; allowed: {allowed([i.name for i in institutions])}"
        },
    )


def resolve_municipality(
    session: Session, slug: str, *, field: str = "municipality"
) -> Municipality:
    municipality = repository.get_municipality_by_slug(session, slug)
    if municipality is None:
        known = [m.slug for m in repository.list_municipalities(session)]
        raise UnprocessableError(
            f"unknown municipality {slug!r}",
            fields={field: f"unknown municipality {slug!r}; allowed: {allowed(known)}"},
        )
    return municipality
