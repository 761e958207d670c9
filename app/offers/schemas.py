"""Offer shapes: what providers register and what the API shows."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Literal, Self

from pydantic import (
    AliasPath,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from app.codes import Language, Level, OfferKind, OfferStatus, Recurrence
from app.models import Offer
from app.offers.editions import current_edition
from app.schemas import (
    Email,
    IsoDate,
    ORMRead,
    ReadVersion,
    SlugOf,
    SlugsOf,
    require_visible,
    window_reversed,
)


class _OfferFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    themes: list[str] | None = Field(default=None, max_length=10)
    neighbourhoods: list[str] | None = Field(
        default=None,
        max_length=20,
        description="Districts (or buurt names) the offer is tied to; empty = anywhere.",
    )
    available_from: IsoDate | None = None
    available_until: IsoDate | None = None
    intake_deadline: IsoDate | None = None
    recurrence: Recurrence | None = Field(
        default=None,
        description="yearly: the offer comes back one year on when its window ends.",
    )
    period_id: uuid.UUID | None = Field(
        default=None,
        description="An academic period of the offer's institution: its dates and "
        "intake deadline are copied (instead of available_from/until).",
    )
    language: Language | None = None
    contact_name: str | None = Field(default=None, max_length=120)
    contact_email: Email | None = Field(default=None, max_length=254)
    municipalities: list[str] | None = Field(
        default=None,
        min_length=1,
        max_length=50,
        description="Slugs of the cities the offer serves; its home city always "
        "stays among them (default: the home city only).",
    )

    _visible = field_validator("title", "contact_name", check_fields=False)(
        require_visible
    )

    @model_validator(mode="after")
    def _window_in_order(self) -> Self:
        if (
            self.available_from
            and self.available_until
            and self.available_until < self.available_from
        ):
            raise window_reversed("available_from", "available_until")
        return self


class OfferCreate(_OfferFields):
    kind: OfferKind
    title: str = Field(min_length=3, max_length=200)
    description: str = Field(min_length=1, max_length=10_000)
    level: Level | None = Field(
        default=None, description="Defaults to the institution's level."
    )
    capacity: int = Field(ge=0, le=1_000)
    status: Literal["active", "paused"] = "active"
    institution: str | None = Field(
        default=None,
        max_length=120,
        description="Brokers name the institution; providers always register for their own.",
    )
    municipality: str | None = Field(
        default=None,
        max_length=60,
        description="Home city (slug). A provider who names none gets their own city, unless the cities listed leave it out, else the first city listed, else the default city; a broker's offer is their own city's.",
    )


class OfferUpdate(_OfferFields):
    kind: OfferKind | None = None
    title: str | None = Field(default=None, min_length=3, max_length=200)
    description: str | None = Field(default=None, min_length=1, max_length=10_000)
    level: Level | None = None
    capacity: int | None = Field(default=None, ge=0, le=1_000)
    status: OfferStatus | None = None
    version: ReadVersion = None


class OfferRead(ORMRead):
    id: uuid.UUID
    municipality: SlugOf
    municipalities: SlugsOf = Field(validation_alias="served")
    kind: str
    title: str
    description: str
    institution: str = Field(validation_alias=AliasPath("institution", "name"))
    institution_short_name: str = Field(
        validation_alias=AliasPath("institution", "short_name")
    )
    level: str
    themes: SlugsOf
    neighbourhoods: SlugsOf
    capacity: int
    places_taken: int
    remaining_capacity: int
    available_from: date | None
    available_until: date | None
    intake_deadline: date | None
    recurrence: str
    edition: int = Field(description="0 = the first window; +1 each year it recurs.")
    language: str
    status: str
    owner_id: uuid.UUID
    contact_name: str | None
    contact_email: str | None
    created_at: datetime
    updated_at: datetime
    version: int = Field(description="Edit version; send it back with a PATCH.")

    @classmethod
    def at(cls, offer: Offer, today: date) -> OfferRead:
        """The offer on `today`: a yearly offer shows its current edition."""
        edition = current_edition(offer, today)
        return cls.model_validate(offer).model_copy(
            update={
                "edition": edition.number,
                "available_from": edition.available_from,
                "available_until": edition.available_until,
                "intake_deadline": edition.intake_deadline,
                "places_taken": edition.places_taken,
                "remaining_capacity": edition.remaining_capacity,
            }
        )
