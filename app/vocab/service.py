"""Resolve user-typed vocabulary (theme slugs, buurt names, institutions) to rows.

Unknown values raise a typed 422 (app/vocab/errors.py) that names the field and
what is allowed.
"""

from __future__ import annotations

import unicodedata
import uuid
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from app.codes import Role
from app.errors import AppError
from app.models import Institution, Municipality, Neighbourhood, Theme, User
from app.offers.errors import InstitutionRequired, NoInstitution
from app.vocab import repository
from app.vocab.errors import (
    UnknownInstitution,
    UnknownMunicipality,
    UnknownNeighbourhood,
    UnknownTheme,
)

T = TypeVar("T")


# Apostrophes a phone keyboard or a word processor types instead of "'" (the
# curly U+2019 in "foto's" above all).
_APOSTROPHES = str.maketrans(dict.fromkeys("\u2018\u2019\u201b\u02bc\u00b4`", "'"))


def fold(text: str) -> str:
    """Case-, accent- and apostrophe-insensitive key: "Slaaghwijk " and "slaaghwijk"
    compare equal, and so do "foto's" with a straight and a curly apostrophe."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("-", " ").split())


def text_filter(
    items: Sequence[T], text_of: Callable[[T], str], query: str | None
) -> list[T]:
    """The items whose text holds every word of `query`, ignoring case and accents.

    Folding runs in Python so SQLite and PostgreSQL agree (no `unaccent` needed);
    the lists searched (one city's questions, one institution's offers) are a few
    hundred rows at most. A stored folded search column is the step up when that
    changes.
    """
    words = fold(query or "").split()
    if not words:
        return list(items)
    return [item for item in items if all(w in fold(text_of(item)) for w in words)]


def searched_page(
    query: str | None,
    *,
    page: Callable[[], tuple[list[T], int]],
    everything: Callable[[], Sequence[T]],
    text_of: Callable[[T], str],
    newest: Callable[[T], Any],
    limit: int,
    offset: int,
) -> tuple[list[T], int]:
    """One page of a list and its total, searched when `query` holds text.

    Without search text the database pages (`page`); text search ignores case and
    accents, so it runs in Python over `everything` (as the portal's), newest first.
    """
    if not fold(query or ""):
        return page()
    found = sorted(text_filter(everything(), text_of, query), key=newest, reverse=True)
    return found[offset : offset + limit], len(found)


def resolve_themes(
    session: Session, slugs: Iterable[str], *, field: str = "themes"
) -> list[Theme]:
    by_slug = {t.slug: t for t in repository.list_themes(session)}
    wanted = list(dict.fromkeys(slugs))
    unknown = [s for s in wanted if s not in by_slug]
    if unknown:
        raise UnknownTheme(unknown[0], known=sorted(by_slug), field=field)
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
        raise UnknownNeighbourhood(
            name,
            known_slugs=[h.slug for h in hoods],
            known=[h.name for h in hoods],
            field=field,
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
    raise UnknownInstitution(name, known=[i.name for i in institutions], field=field)


def resolve_municipality(
    session: Session, slug: str, *, field: str = "municipality"
) -> Municipality:
    municipality = repository.get_municipality_by_slug(session, slug)
    if municipality is None:
        known = [m.slug for m in repository.list_municipalities(session)]
        raise UnknownMunicipality(slug, known=known, field=field)
    return municipality


def get_municipality(session: Session, municipality_id: uuid.UUID) -> Municipality:
    """A city known to exist (a foreign key points at it)."""
    municipality = session.get(Municipality, municipality_id)
    assert municipality is not None
    return municipality


def institution_for(
    session: Session,
    named: str | None,
    actor: User,
    *,
    not_own: Callable[[], AppError],
) -> Institution:
    """The institution a write acts for: a provider's own (naming another raises
    `not_own`), or the one a broker or admin names (required for them)."""
    if actor.role == Role.PROVIDER:
        if actor.institution is None:
            raise NoInstitution()
        if (
            named is not None
            and resolve_institution(session, named).id != actor.institution_id
        ):
            raise not_own()
        return actor.institution
    if not named:
        raise InstitutionRequired()
    return resolve_institution(session, named)
