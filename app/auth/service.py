"""Check credentials and issue tokens."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.auth.errors import WrongCredentials
from app.errors import NotAuthenticatedError
from app.models import User
from app.ratelimit import RateLimiter
from app.security import hash_password, verify_password
from app.users import repository as user_repository

# Verified against when the email is unknown, so both paths cost one argon2 check.
_DUMMY_HASH = hash_password("kennisbrug-no-such-user")


def authenticate(session: Session, *, email: str, password: str) -> User:
    """The active user with these credentials; 401 otherwise (same message for both)."""
    user = user_repository.get_by_email(session, email)
    valid = verify_password(password, user.password_hash if user else _DUMMY_HASH)
    if user is None or not valid or not user.is_active:
        raise WrongCredentials()
    return user


def login_key(client: str, email: str) -> str:
    """The counter of failed password checks for this client and address: the
    login and the own-password form share it, so neither is a way round the other."""
    return f"{client}|{email.strip().lower()}"


def authenticate_throttled(
    session: Session, limiter: RateLimiter, *, client: str, email: str, password: str
) -> User:
    """`authenticate`, refusing (429) after repeated failures for this client and email.

    Only failures count, so a user who types the password right is never slowed down.
    """
    key = login_key(client, email)
    limiter.check("login", key)
    try:
        return authenticate(session, email=email, password=password)
    except NotAuthenticatedError:
        limiter.hit("login", key)
        raise
