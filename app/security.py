"""Password hashing (argon2 via pwdlib) and signed tokens (HS256 JWT).

Each token has a purpose (a bearer token, a password-reset link) and is signed
with a key of its own derived from the secret, so a token made for one purpose is
never accepted for another.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from pwdlib import PasswordHash

_hasher = PasswordHash.recommended()
_ALGORITHM = "HS256"
ACCESS = "access"
PASSWORD_RESET = "password-reset"


def _key(secret: str, purpose: str) -> str:
    if purpose == ACCESS:
        return secret
    return hmac.new(secret.encode(), purpose.encode(), hashlib.sha256).hexdigest()


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
    user_id: uuid.UUID,
    secret: str,
    ttl_minutes: int,
    *,
    session_version: int = 0,
    purpose: str = ACCESS,
) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "ver": session_version,
        "iat": now,
        "exp": now + timedelta(minutes=ttl_minutes),
    }
    return jwt.encode(claims, _key(secret, purpose), algorithm=_ALGORITHM)


def read_token(token: str, secret: str, *, purpose: str = ACCESS) -> TokenClaims | None:
    """The claims of a valid, unexpired token; None otherwise.

    The caller still compares `session_version` with the user's current one: a
    token issued before a logout or password change is refused.
    """
    try:
        claims = jwt.decode(
            token,
            _key(secret, purpose),
            algorithms=[_ALGORITHM],
            options={"require": ["sub", "exp", "ver"]},
        )
        version = claims["ver"]
        if not isinstance(version, int) or isinstance(version, bool):
            return None
        return TokenClaims(uuid.UUID(str(claims["sub"])), version)
    except (jwt.PyJWTError, ValueError):
        return None
