"""An offer (aanbod): a course, thesis places or research expertise with capacity."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Integer,
    String,
    Table,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.codes import Language, Level, OfferKind, OfferStatus, Recurrence, check_in
from app.db import Base
from app.models.mixins import EditVersionMixin, IdMixin, TimestampMixin
from app.models.user import User
from app.models.vocabulary import Institution, Municipality, Neighbourhood, Theme

offer_themes = Table(
    "offer_themes",
    Base.metadata,
    Column("offer_id", ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_id", ForeignKey("themes.id"), primary_key=True, index=True),
)

offer_neighbourhoods = Table(
    "offer_neighbourhoods",
    Base.metadata,
    Column("offer_id", ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "neighbourhood_id",
        ForeignKey("neighbourhoods.id"),
        primary_key=True,
        index=True,
    ),
)


# The cities an offer serves (its home city always among them): it is a candidate in
# each, and its places are shared, whichever city takes one.
offer_municipalities = Table(
    "offer_municipalities",
    Base.metadata,
    Column("offer_id", ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "municipality_id",
        ForeignKey("municipalities.id"),
        primary_key=True,
        index=True,
    ),
)


class Offer(IdMixin, TimestampMixin, EditVersionMixin, Base):
    """`places_taken` counts matches holding a place; the database refuses overbooking.

    It is kept next to `capacity` so that taking a place is one atomic conditional
    UPDATE on both SQLite and PostgreSQL, and the CHECK constraint makes
    `places_taken > capacity` impossible whatever the code does.
    """

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint(check_in("kind", OfferKind), name="kind"),
        CheckConstraint(check_in("level", Level), name="level"),
        CheckConstraint(check_in("status", OfferStatus), name="status"),
        CheckConstraint("capacity >= 0", name="capacity"),
        CheckConstraint(
            "places_taken >= 0 AND places_taken <= capacity", name="places_taken"
        ),
        CheckConstraint(check_in("recurrence", Recurrence), name="recurrence"),
        CheckConstraint("edition >= 0", name="edition"),
    )

    # The home city: its districts are the ones the offer may be tied to.
    municipality_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("municipalities.id"), index=True
    )
    institution_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("institutions.id"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    level: Mapped[str] = mapped_column(String(3))
    capacity: Mapped[int] = mapped_column(Integer)
    places_taken: Mapped[int] = mapped_column(Integer, default=0)
    available_from: Mapped[date | None] = mapped_column(Date)
    available_until: Mapped[date | None] = mapped_column(Date)
    intake_deadline: Mapped[date | None] = mapped_column(Date)
    # A yearly offer comes back one year on when its window ends (app.offers.editions);
    # `edition` counts the windows since the first (0), `places_taken` is this one's.
    recurrence: Mapped[str] = mapped_column(
        String(10), default=Recurrence.NONE, server_default="none"
    )
    edition: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    language: Mapped[str] = mapped_column(String(2), default=Language.NL)
    status: Mapped[str] = mapped_column(
        String(10), default=OfferStatus.ACTIVE, index=True
    )
    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    contact_name: Mapped[str | None] = mapped_column(String(120))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    # The ranking stamp version of the last change to its ranking input
    # (app/models/stamp.py): an index at an older version reloads this offer.
    index_version: Mapped[int] = mapped_column(
        Integer, default=0, server_default="0", index=True
    )

    municipality: Mapped[Municipality] = relationship(lazy="joined")
    institution: Mapped[Institution] = relationship(lazy="joined")
    owner: Mapped[User] = relationship(lazy="joined")
    themes: Mapped[list[Theme]] = relationship(
        secondary=offer_themes, lazy="selectin", order_by=Theme.slug
    )
    neighbourhoods: Mapped[list[Neighbourhood]] = relationship(
        secondary=offer_neighbourhoods, lazy="selectin", order_by=Neighbourhood.slug
    )
    municipalities: Mapped[list[Municipality]] = relationship(
        secondary=offer_municipalities, lazy="selectin", order_by=Municipality.slug
    )

    def serves(self, municipality_id: uuid.UUID | None) -> bool:
        """The home city is always served, also before its row is written."""
        return municipality_id == self.municipality_id or any(
            m.id == municipality_id for m in self.municipalities
        )

    @property
    def served(self) -> list[Municipality]:
        """Every city served, the home city included, by slug."""
        by_id = {m.id: m for m in self.municipalities}
        by_id.setdefault(self.municipality.id, self.municipality)
        return sorted(by_id.values(), key=lambda m: m.slug)

    @property
    def remaining_capacity(self) -> int:
        return max(self.capacity - self.places_taken, 0)


class RankingStamp(Base):
    """The one row (id 1) of the ranking stamp (app/models/stamp.py).

    `version` counts the committed changes to any offer's ranking input;
    `rebuild_version` is the version of the last one every index must be rebuilt
    for (districts, institution names, a deleted offer).
    """

    __tablename__ = "ranking_stamp"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    rebuild_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
