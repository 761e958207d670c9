"""Builders for portal, interest and report tests: the demo world and tiny hand-made ones.

Questions, offers and matches are written straight to the ORM so their dates and
statuses can be set exactly (the lifecycle API would stamp "now").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.config import Settings
from app.models import (
    Institution,
    Interest,
    Match,
    Municipality,
    Neighbourhood,
    Offer,
    Question,
    Theme,
    User,
)
from app.ratelimit import RateLimiter
from seeds.loader import load_demo, read_data

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
# Dutch numbers: 0 and nine digits, or +31 and nine digits, with optional separators.
PHONE = re.compile(r"(?:\+31|(?<![\w.-])0)(?:[\s-]?\d){9}(?!\d)")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(T[\d:.+Z-]+)?")


def seed_demo(session: Session, settings: Settings) -> None:
    load_demo(
        session, read_data("demo.json"), password="kennisbrug-demo", settings=settings
    )


def rate_limits(**overrides: Any) -> Settings:
    """Settings whose rate_limit_<name> fields are the given overrides."""
    return Settings(**{f"rate_limit_{k}": v for k, v in overrides.items()})


def fresh_limiter(**overrides: Any) -> RateLimiter:
    """A fresh in-memory limiter with the production default limits."""
    return RateLimiter(
        rate_limits(
            **{"storage": "memory://", "interest": "5/minute;20/day", **overrides}
        )
    )


def personal_strings(session: Session) -> set[str]:
    """Every name, e-mail and contact value stored about a person."""
    found: set[str] = set()
    for user in session.scalars(select(User)):
        found |= {user.email, user.name}
    for q in session.scalars(select(Question)):
        found |= {v for v in (q.contact_name, q.contact_email) if v}
    for o in session.scalars(select(Offer)):
        found |= {v for v in (o.contact_name, o.contact_email) if v}
    for i in session.scalars(select(Interest)):
        found |= {i.name, i.email, i.message}
    for m in session.scalars(select(Match)):
        found |= {v for v in (m.remarks, m.reason) if v}
    return {s for s in found if len(s) >= 4}


def leaks(payload: str, personal: set[str]) -> list[str]:
    """Personal strings, e-mail addresses or phone numbers found in a response body."""
    hits = [s for s in personal if s.casefold() in payload.casefold()]
    text = _DATE.sub(" ", _UUID.sub(" ", payload))
    hits += [m.group(0) for m in EMAIL.finditer(text)]
    hits += [m.group(0) for m in PHONE.finditer(text)]
    return hits


def theme(session: Session, slug: str) -> Theme:
    return session.scalars(select(Theme).where(Theme.slug == slug)).one()


def hood(session: Session, city: Municipality, slug: str) -> Neighbourhood:
    return session.scalars(
        select(Neighbourhood).where(
            Neighbourhood.municipality_id == city.id, Neighbourhood.slug == slug
        )
    ).one()


def institution(session: Session, name: str) -> Institution:
    return session.scalars(select(Institution).where(Institution.name == name)).one()


def add_question(
    session: Session,
    owner: User,
    *,
    title: str,
    status: str = "open",
    is_public: bool = True,
    submitted_at: datetime | None = None,
    themes: Sequence[str] = (),
    neighbourhood: str | None = None,
    levels: Sequence[str] = (),
    **fields: Any,
) -> Question:
    assert owner.municipality is not None
    q = Question(
        municipality_id=owner.municipality_id,
        owner=owner,
        title=title,
        description=fields.pop("description", f"Beschrijving van {title}"),
        context=fields.pop("context", ""),
        decision="",
        status=status,
        is_public=is_public,
        wanted_matches=1,
        submitted_at=submitted_at,
        **fields,
    )
    q.themes = [theme(session, s) for s in themes]
    q.levels = list(levels)
    if neighbourhood:
        q.neighbourhood = hood(session, owner.municipality, neighbourhood)
    session.add(q)
    session.flush()
    return q


def add_offer(
    session: Session,
    owner: User,
    *,
    title: str,
    institution_name: str,
    kind: str = "course",
    level: str = "hbo",
    capacity: int = 2,
    places_taken: int = 0,
    available_from: date | None = None,
    available_until: date | None = None,
    municipality: Municipality,
) -> Offer:
    o = Offer(
        municipality_id=municipality.id,
        institution=institution(session, institution_name),
        kind=kind,
        title=title,
        description=f"Omschrijving van {title}",
        level=level,
        capacity=capacity,
        places_taken=places_taken,
        available_from=available_from,
        available_until=available_until,
        language="nl",
        status="active",
        owner=owner,
    )
    session.add(o)
    session.flush()
    return o


def add_match(
    session: Session, q: Question, o: Offer, *, status: str, **fields: Any
) -> Match:
    m = Match(
        municipality_id=q.municipality_id,
        question_id=q.id,
        offer_id=o.id,
        status=status,
        components={},
        explanation="",
        **fields,
    )
    session.add(m)
    session.flush()
    return m
