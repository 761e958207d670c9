"""Onboarding: a city joins with its districts and buurt names, without SQL."""

from __future__ import annotations

import re

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.db import serialise
from app.models import Municipality, Neighbourhood, User
from app.municipalities import repository
from app.municipalities.errors import (
    DuplicateDistrictName,
    MunicipalityExists,
    MunicipalityNotFound,
)
from app.municipalities.schemas import MunicipalityCreate
from app.vocab import service as vocab


def slugify(name: str) -> str:
    """`Bos- en Gasthuisdistrict` -> `bos-en-gasthuisdistrict` (the admin page
    names cities and districts; their slugs follow)."""
    return re.sub(r"[^a-z0-9]+", "-", vocab.fold(name)).strip("-")


def _check_names(data: MunicipalityCreate) -> None:
    seen: set[str] = set()
    for district in data.districts:
        keys = {vocab.fold(district.slug), vocab.fold(district.name)}
        keys |= {vocab.fold(a) for a in district.aliases}
        for key in keys:
            if key in seen:
                raise DuplicateDistrictName(key)
        seen |= keys


def stage_municipality(
    session: Session, data: MunicipalityCreate, *, actor: User | None
) -> Municipality:
    """Validate and add a city with its districts, without committing."""
    if repository.get_by_slug(session, data.slug) is not None:
        raise MunicipalityExists(data.slug)
    _check_names(data)
    city = Municipality(slug=data.slug, name=data.name)
    session.add(city)
    try:
        with session.begin_nested():  # the same city created by a parallel request
            session.flush()
    except IntegrityError:
        raise MunicipalityExists(data.slug) from None
    for d in data.districts:
        session.add(
            Neighbourhood(
                municipality_id=city.id, slug=d.slug, name=d.name, aliases=d.aliases
            )
        )
    audit.record(
        session,
        actor=actor,
        entity_type="municipality",
        entity_id=city.id,
        municipality_id=city.id,
        action="created",
        changes={"slug": city.slug, "districts": [d.slug for d in data.districts]},
    )
    return city


def create_municipality(
    session: Session, data: MunicipalityCreate, *, actor: User | None
) -> Municipality:
    """Onboard a city with its districts (one transaction)."""
    city = stage_municipality(session, data, actor=actor)
    session.commit()
    return city


def get_municipality(session: Session, slug: str) -> Municipality:
    city = repository.get_by_slug(session, slug)
    if city is None:
        raise MunicipalityNotFound(slug)
    return city


def list_districts(session: Session, slug: str) -> list[Neighbourhood]:
    return repository.list_districts(session, get_municipality(session, slug))


def focus_themes(session: Session, slug: str, year: int) -> list[str]:
    """Slugs of the city's focus themes in one agenda year."""
    return repository.focus_themes(session, get_municipality(session, slug).id, year)


def set_focus_themes(
    session: Session, slug: str, year: int, themes: list[str], *, actor: User
) -> list[str]:
    """Replace the city's focus themes of one agenda year.

    One replacement at a time per city and year: two at once would each delete
    the old set and both insert theirs, storing the union.
    """
    city = get_municipality(session, slug)
    serialise(session, f"focus-themes:{city.id}:{year}")
    before = repository.focus_themes(session, city.id, year)
    resolved = vocab.resolve_themes(session, themes)
    repository.replace_focus_themes(session, city.id, year, resolved)
    after = sorted(t.slug for t in resolved)
    audit.record(
        session,
        actor=actor,
        entity_type="municipality",
        entity_id=city.id,
        municipality_id=city.id,
        action="updated",
        changes={f"focus_themes_{year}": {"before": before, "after": after}},
    )
    session.commit()
    return after
