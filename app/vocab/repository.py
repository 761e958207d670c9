"""Queries for reference data."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Institution, Municipality, Neighbourhood, Theme


def list_themes(session: Session) -> list[Theme]:
    return list(session.scalars(select(Theme).order_by(Theme.slug)))


def list_institutions(session: Session) -> list[Institution]:
    return list(session.scalars(select(Institution).order_by(Institution.name)))


def list_municipalities(session: Session) -> list[Municipality]:
    return list(session.scalars(select(Municipality).order_by(Municipality.slug)))


def get_municipality_by_slug(session: Session, slug: str) -> Municipality | None:
    return session.scalar(select(Municipality).where(Municipality.slug == slug))


def list_neighbourhoods(
    session: Session, municipality_id: uuid.UUID | None = None
) -> list[Neighbourhood]:
    stmt = select(Neighbourhood).order_by(Neighbourhood.slug)
    if municipality_id is not None:
        stmt = stmt.where(Neighbourhood.municipality_id == municipality_id)
    return list(session.scalars(stmt))
