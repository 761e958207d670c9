"""Choice lists for the forms, from the vocabularies and the labels."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from app.codes import ExpectedOutput, Language, Level, OfferKind, labels
from app.vocab import repository as vocab_repository

Options = list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class PlaceName:
    """A district or buurt name for the neighbourhood datalist."""

    value: str
    district: str


def themes(session: Session) -> Options:
    return [(t.slug, t.label_nl) for t in vocab_repository.list_themes(session)]


def cities(session: Session) -> Options:
    return [(m.slug, m.name) for m in vocab_repository.list_municipalities(session)]


def districts(session: Session, municipality_id: uuid.UUID | None) -> Options:
    return [
        (h.slug, h.name)
        for h in vocab_repository.list_neighbourhoods(session, municipality_id)
    ]


def place_names(session: Session, municipality_id: uuid.UUID | None) -> list[PlaceName]:
    """Every district name and buurt alias; the service resolves any of them."""
    names: list[PlaceName] = []
    for hood in vocab_repository.list_neighbourhoods(session, municipality_id):
        names.append(PlaceName(hood.name, hood.name))
        names.extend(PlaceName(alias, hood.name) for alias in hood.aliases)
    return sorted(names, key=lambda n: n.value.casefold())


def institutions(session: Session) -> Options:
    return [(i.name, i.name) for i in vocab_repository.list_institutions(session)]


def municipalities(session: Session) -> Options:
    return [(m.slug, m.name) for m in vocab_repository.list_municipalities(session)]


def from_codes(codes: type[StrEnum]) -> Options:
    return list(labels(codes).items())


LEVELS = from_codes(Level)
OUTPUTS = from_codes(ExpectedOutput)
KINDS = from_codes(OfferKind)
LANGUAGES = from_codes(Language)
