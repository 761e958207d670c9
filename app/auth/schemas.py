"""Token and identity shapes."""

from __future__ import annotations

from pydantic import BaseModel


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int
