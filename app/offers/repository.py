"""Every query on offers."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, update
from sqlalchemy.orm import Session

from app.codes import OfferStatus, Recurrence
from app.models import Offer, Theme
from app.models.offer import offer_municipalities, offer_themes
from app.offers.editions import current_edition


@dataclass(frozen=True, slots=True)
class OfferFilter:
    municipality_id: uuid.UUID | None = None
    institution_id: uuid.UUID | None = None
    kind: str | None = None
    level: str | None = None
    theme: str | None = None
    statuses: Sequence[str] = ()
    available_on: date | None = None


def serving(municipality_id: uuid.UUID) -> ColumnElement[bool]:
    """Offers that serve a city: their home city, or one it lists (`Offer.serves`)."""
    return or_(
        Offer.municipality_id == municipality_id,
        Offer.id.in_(
            select(offer_municipalities.c.offer_id).where(
                offer_municipalities.c.municipality_id == municipality_id
            )
        ),
    )


def get(session: Session, offer_id: uuid.UUID) -> Offer | None:
    return session.get(Offer, offer_id)


def list_by_ids(session: Session, offer_ids: Collection[uuid.UUID]) -> list[Offer]:
    """The offers with these ids, in one query (and one per eager relationship)."""
    if not offer_ids:
        return []
    return list(session.scalars(select(Offer).where(Offer.id.in_(set(offer_ids)))))


def of_institutions(
    session: Session, institution_ids: Collection[uuid.UUID]
) -> list[Offer]:
    """Every offer of these institutions that is not archived, in one query."""
    if not institution_ids:
        return []
    return list(
        session.scalars(
            select(Offer).where(
                Offer.institution_id.in_(set(institution_ids)),
                Offer.status != OfferStatus.ARCHIVED,
            )
        )
    )


def lock(session: Session, offer_id: uuid.UUID) -> Offer:
    """Re-read the offer and hold its row until the transaction ends.

    An edit of capacity is checked against the places taken as they are now; a
    confirm that takes a place meanwhile waits for the edit (or the edit for it).
    """
    return session.scalars(
        select(Offer)
        .where(Offer.id == offer_id)
        .with_for_update(of=Offer, key_share=True)
        .execution_options(populate_existing=True)
    ).one()


def _filtered(f: OfferFilter) -> Select[Offer]:
    stmt = select(Offer)
    if f.municipality_id is not None:
        stmt = stmt.where(serving(f.municipality_id))
    if f.institution_id is not None:
        stmt = stmt.where(Offer.institution_id == f.institution_id)
    if f.kind:
        stmt = stmt.where(Offer.kind == f.kind)
    if f.level:
        stmt = stmt.where(Offer.level == f.level)
    if f.statuses:
        stmt = stmt.where(Offer.status.in_(f.statuses))
    if f.theme:
        stmt = stmt.where(
            Offer.id.in_(
                select(offer_themes.c.offer_id)
                .join(Theme, Theme.id == offer_themes.c.theme_id)
                .where(Theme.slug == f.theme)
            )
        )
    if f.available_on:
        # A yearly offer may run on the day in a later edition than its row
        # holds: the caller reads those against their current edition.
        day = f.available_on
        stmt = stmt.where(
            or_(
                Offer.recurrence == Recurrence.YEARLY,
                and_(
                    or_(Offer.available_from.is_(None), Offer.available_from <= day),
                    or_(Offer.available_until.is_(None), Offer.available_until >= day),
                ),
            )
        )
    return stmt


def list_page(
    session: Session, f: OfferFilter, *, limit: int, offset: int
) -> tuple[list[Offer], int]:
    stmt = _filtered(f)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(Offer.created_at.desc(), Offer.id).limit(limit).offset(offset)
    )
    return list(rows), total


def list_all(session: Session, f: OfferFilter) -> list[Offer]:
    return list(session.scalars(_filtered(f).order_by(Offer.created_at, Offer.id)))


def add(session: Session, offer: Offer) -> Offer:
    session.add(offer)
    session.flush()
    return offer


def take_place(session: Session, offer_id: uuid.UUID) -> bool:
    """Atomically take one place if any is left; False when the offer is full.

    One conditional UPDATE: PostgreSQL re-checks the WHERE clause on the locked row
    after a concurrent update, SQLite holds the write lock, so two confirms can never
    both take the last place.
    """
    result = session.execute(
        update(Offer)
        .where(Offer.id == offer_id, Offer.places_taken < Offer.capacity)
        .values(places_taken=Offer.places_taken + 1)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def free_place(session: Session, offer_id: uuid.UUID, *, edition: int) -> None:
    """Give back a place of `edition`; a place of an earlier edition frees nothing
    in the current one (its window is over)."""
    session.execute(
        update(Offer)
        .where(Offer.id == offer_id, Offer.edition == edition, Offer.places_taken > 0)
        .values(places_taken=Offer.places_taken - 1)
        .execution_options(synchronize_session=False)
    )


def current_edition_number(session: Session, offer_id: uuid.UUID) -> int:
    return int(session.scalar(select(Offer.edition).where(Offer.id == offer_id)) or 0)


def roll_over(session: Session, offer: Offer, today: date) -> bool:
    """Advance a yearly offer whose window ended to its current edition.

    One UPDATE guarded on the edition read, so of two callers (the job, a confirm)
    exactly one advances it; False when nothing was due or another was first.
    """
    edition = current_edition(offer, today)
    if edition.number == offer.edition:
        return False
    result = session.execute(
        update(Offer)
        .where(Offer.id == offer.id, Offer.edition == offer.edition)
        .values(
            edition=edition.number,
            available_from=edition.available_from,
            available_until=edition.available_until,
            intake_deadline=edition.intake_deadline,
            places_taken=0,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def list_due_for_roll_over(session: Session, today: date) -> list[Offer]:
    """Yearly offers whose stored window has ended (not archived ones: their
    series ended)."""
    return list(
        session.scalars(
            select(Offer)
            .where(
                Offer.recurrence == Recurrence.YEARLY,
                Offer.available_until < today,
                Offer.status != OfferStatus.ARCHIVED,
            )
            .order_by(Offer.id)
        )
    )
