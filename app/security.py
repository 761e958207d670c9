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
    # A digest of what the token was bound to (a reset link: the address it was
    # mailed to); None when it was bound to nothing.
    binding: str | None = None


def binding_digest(value: str) -> str:
    """A short, stable digest of `value` to bind a token to (not the value itself:
    the claims of a JWT are readable by whoever holds it)."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def create_token(
    user_id: uuid.UUID,
    secret: str,
    ttl_minutes: int,
    *,
    session_version: int = 0,
    purpose: str = ACCESS,
    binding: str | None = None,
) -> str:
    now = datetime.now(UTC)
    claims: dict[str, object] = {
        "sub": str(user_id),
        "ver": session_version,
        "iat": now,
        "exp": now + timedelta(minutes=ttl_minutes),
    }
    if binding is not None:
        claims["bnd"] = binding
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
        binding = claims.get("bnd")
        if not isinstance(version, int) or isinstance(version, bool):
            return None
        if binding is not None and not isinstance(binding, str):
            return None
        return TokenClaims(uuid.UUID(str(claims["sub"])), version, binding)
    except (jwt.PyJWTError, ValueError):
        return None
