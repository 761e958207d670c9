"""Password hashing (argon2 via pwdlib) and signed bearer tokens (HS256 JWT)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from pwdlib import PasswordHash

_hasher = PasswordHash.recommended()
_ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str) -> bool:
    try:
        return _hasher.verify(password, password_hash)
    except Exception:  # a malformed stored hash is simply "wrong password"
        return False


@dataclass(frozen=True, slots=True)
class TokenClaims:
    """Who a token was issued to, and at which session version of that user."""

    user_id: uuid.UUID
    session_version: int


def create_token(
    user_id: uuid.UUID, secret: str, ttl_minutes: int, *, session_version: int = 0
) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "ver": session_version,
        "iat": now,
        "exp": now + timedelta(minutes=ttl_minutes),
    }
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


def read_token(token: str, secret: str) -> TokenClaims | None:
    """The claims of a valid, unexpired token; None otherwise.

    The caller still compares `session_version` with the user's current one: a
    token issued before a logout or password change is refused.
    """
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            options={"require": ["sub", "exp", "ver"]},
        )
        version = claims["ver"]
        if not isinstance(version, int) or isinstance(version, bool):
            return None
        return TokenClaims(uuid.UUID(str(claims["sub"])), version)
    except (jwt.PyJWTError, ValueError):
        return None
