"""City shapes: what an admin sends to onboard a city and what the API shows."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

from app.schemas import ORMRead, require_visible

SLUG = r"^[a-z0-9]+(-[a-z0-9]+)*$"


class DistrictCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: str = Field(min_length=2, max_length=60, pattern=SLUG)
    name: str = Field(min_length=2, max_length=120)
    aliases: list[str] = Field(
        default_factory=list,
        max_length=100,
        description="Buurt names people use for the district.",
    )

    _visible = field_validator("name")(require_visible)

    @field_validator("aliases")
    @classmethod
    def _clean(cls, value: list[str]) -> list[str]:
        cleaned = [a.strip() for a in value if a.strip()]
        if any(len(a) > 120 for a in cleaned):
            raise ValueError("an alias has at most 120 characters")
        return cleaned


class MunicipalityCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: str = Field(min_length=2, max_length=60, pattern=SLUG)
    name: str = Field(min_length=2, max_length=120)
    districts: list[DistrictCreate] = Field(default_factory=list, max_length=200)

    _visible = field_validator("name")(require_visible)


class DistrictRead(ORMRead):
    slug: str
    name: str
    aliases: list[str]


class MunicipalityRead(ORMRead):
    slug: str
    name: str


class FocusThemesUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    themes: list[str] = Field(max_length=10, description="Theme slugs; empty clears.")


class FocusThemesRead(BaseModel):
    municipality: str
    year: int
    themes: list[str]
