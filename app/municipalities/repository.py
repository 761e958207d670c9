"""Queries on cities and their districts."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Municipality, Neighbourhood


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
