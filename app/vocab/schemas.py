"""Vocabulary as the API shows it."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from app.schemas import SlugOf


class ThemeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    slug: str
    label_nl: str
    label_en: str


class NeighbourhoodRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    slug: str
    name: str
    municipality: SlugOf
    aliases: list[str]


class InstitutionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    name: str
    short_name: str
    level: str
    kind: str
