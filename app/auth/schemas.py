"""Token, identity and password-reset shapes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from app.schemas import Email


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class PasswordResetRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: Email = Field(max_length=254)


class PasswordResetConfirm(BaseModel):
    model_config = ConfigDict(extra="forbid")

    token: str = Field(min_length=1, max_length=2000)
    # The same rule as an account's password (app/users/schemas.py).
    password: str = Field(min_length=10, max_length=200)


class PasswordResetAccepted(BaseModel):
    """The same answer for every address: it never tells whether one is known."""

    detail: str = "if the address has an active account, a reset link is on its way"
