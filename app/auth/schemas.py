"""Token and identity shapes."""

from __future__ import annotations

import uuid

from pydantic import BaseModel


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class MeRead(BaseModel):
    id: uuid.UUID
    email: str
    name: str
    role: str
    municipality: str | None
    institution: str | None
