"""Queries on cities and their districts."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.models import FocusTheme, Municipality, Neighbourhood, Theme


def get_by_slug(session: Session, slug: str) -> Municipality | None:
    return session.scalar(select(Municipality).where(Municipality.slug == slug))


def list_all(session: Session) -> list[Municipality]:
    return list(session.scalars(select(Municipality).order_by(Municipality.slug)))


def list_districts(session: Session, municipality: Municipality) -> list[Neighbourhood]:
    return list(
        session.scalars(
            select(Neighbourhood)
            .where(Neighbourhood.municipality_id == municipality.id)
            .order_by(Neighbourhood.slug)
        )
    )


def district_names(session: Session) -> dict[str, dict[str, list[str]]]:
    """City name -> district slug -> every name of it (name and buurt aliases)."""
    rows = session.execute(
        select(
            Municipality.name,
            Neighbourhood.slug,
            Neighbourhood.name,
            Neighbourhood.aliases,
        )
        .join(Neighbourhood, Neighbourhood.municipality_id == Municipality.id)
        .order_by(Municipality.name, Neighbourhood.slug)
    )
    out: dict[str, dict[str, list[str]]] = {}
    for city, slug, name, aliases in rows:
        out.setdefault(city, {})[slug] = [name, *(aliases or [])]
    return out


def neighbourhood_names(
    session: Session, municipality_id: uuid.UUID
) -> dict[str, list[str]]:
    """One city's district slug -> every name of it (name and buurt aliases)."""
    rows = session.execute(
        select(Neighbourhood.slug, Neighbourhood.name, Neighbourhood.aliases)
        .where(Neighbourhood.municipality_id == municipality_id)
        .order_by(Neighbourhood.slug)
    )
    return {slug: [name, *(aliases or [])] for slug, name, aliases in rows}


def focus_themes(session: Session, municipality_id: uuid.UUID, year: int) -> list[str]:
    """Slugs of the city's focus themes in one agenda year."""
    return list(
        session.scalars(
            select(Theme.slug)
            .join(FocusTheme, FocusTheme.theme_id == Theme.id)
            .where(
                FocusTheme.municipality_id == municipality_id, FocusTheme.year == year
            )
            .order_by(Theme.slug)
        )
    )


def replace_focus_themes(
    session: Session, municipality_id: uuid.UUID, year: int, themes: list[Theme]
) -> None:
    session.execute(
        delete(FocusTheme).where(
            FocusTheme.municipality_id == municipality_id, FocusTheme.year == year
        )
    )
    session.add_all(
        FocusTheme(municipality_id=municipality_id, year=year, theme_id=t.id)
        for t in themes
    )
    session.flush()
