"""User shapes for the admin API."""

from __future__ import annotations

import uuid

from pydantic import AliasPath, BaseModel, ConfigDict, Field, field_validator

from app.codes import Role
from app.schemas import Email, ORMRead, ReadVersion, SlugOf, require_visible


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email = Field(max_length=254)
    name: str = Field(min_length=1, max_length=120)
    role: Role
    password: str = Field(min_length=10, max_length=200)
    municipality: str | None = Field(default=None, max_length=60)
    institution: str | None = Field(default=None, max_length=120)
    department: str | None = Field(default=None, max_length=120)

    _visible = field_validator("name")(require_visible)


class UserUpdate(BaseModel):
    """Only the fields sent change; `municipality`/`institution` null clears them."""

    model_config = ConfigDict(extra="forbid")

    email: Email | None = Field(default=None, max_length=254)
    name: str | None = Field(default=None, min_length=1, max_length=120)
    role: Role | None = None
    municipality: str | None = Field(default=None, max_length=60)
    institution: str | None = Field(default=None, max_length=120)
    password: str | None = Field(default=None, min_length=10, max_length=200)
    is_active: bool | None = None
    department: str | None = Field(default=None, max_length=120)
    version: ReadVersion = None

    _visible = field_validator("name")(require_visible)


class UserRead(ORMRead):
    id: uuid.UUID
    email: str
    name: str
    role: str
    is_active: bool
    municipality: SlugOf | None
    institution: str | None = Field(
        default=None, validation_alias=AliasPath("institution", "name")
    )
    department: str | None
    version: int = Field(description="Edit version; send it back with a PATCH.")
