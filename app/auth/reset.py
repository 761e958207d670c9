"""Password reset by e-mail: a signed, short-lived link that works once.

The link carries the user's session version. Choosing the new password raises it
in one guarded UPDATE, so the link, every session and every token of the user end
together, and a second use of the same link (or two at once) is refused. Whether
an address has an account is never revealed: asking always answers the same.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from sqlalchemy import update
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.auth.errors import InvalidResetLink
from app.config import Settings
from app.db import utcnow
from app.mail.kinds import PasswordReset
from app.mail.service import queue_mail
from app.models import User
from app.security import (
    PASSWORD_RESET,
    binding_digest,
    create_token,
    hash_password,
    read_token,
)
from app.users import repository as user_repository

RESET_PAGE = "/wachtwoord-herstellen"


def reset_path(token: str) -> str:
    """The page that takes the new password; the token rides in the query."""
    return f"{RESET_PAGE}?{urlencode({'token': token})}"


def request_reset(session: Session, *, settings: Settings, email: str) -> None:
    """Mail a reset link to the active account with this address, if there is one;
    commits. An unknown or deactivated address gets nothing, silently."""
    user = user_repository.get_by_email(session, email)
    if user is None or not user.is_active:
        return
    user.reset_requested_at = utcnow()
    token = create_token(
        user.id,
        settings.secret_key.get_secret_value(),
        settings.password_reset_minutes,
        session_version=user.session_version,
        purpose=PASSWORD_RESET,
        binding=_link_binding(user),
    )
    queue_mail(
        session,
        settings=settings,
        to=user.email,
        user=user,
        context=PasswordReset(
            name=user.name,
            reset_path=reset_path(token),
            valid_minutes=settings.password_reset_minutes,
        ),
    )
    session.commit()


def reset_password(
    session: Session, *, settings: Settings, token: str, password: str
) -> User:
    """Set the new password if the link is valid, unused and unexpired; commits.

    Raises:
        InvalidResetLink: a forged, expired or already used link, or an account
            that was deactivated meanwhile.
    """
    claims = read_token(
        token, settings.secret_key.get_secret_value(), purpose=PASSWORD_RESET
    )
    if claims is None:
        raise InvalidResetLink()
    address = _mailed_address(session, claims.user_id, claims.binding)
    result = session.execute(
        update(User)
        .where(
            User.id == claims.user_id,
            User.session_version == claims.session_version,
            User.is_active.is_(True),
            User.email == address,
        )
        .values(
            password_hash=hash_password(password),
            session_version=User.session_version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        session.rollback()
        raise InvalidResetLink()
    user = session.get(User, claims.user_id)
    assert user is not None  # the UPDATE just matched it
    session.refresh(user)
    audit.record(
        session,
        actor=user,
        entity_type="user",
        entity_id=user.id,
        municipality_id=user.municipality_id,
        action="password_reset",
    )
    session.commit()
    return user


def _mailed_address(
    session: Session, user_id: uuid.UUID, binding: str | None
) -> str | None:
    """The account's address if the link was mailed to it; None otherwise.

    A link went to the address the account had then: once an admin changes the
    address (a typo, or the account passed to someone else), a link still in the
    old mailbox must not set the password; nor may a link older than the last one
    asked for. The UPDATE also compares the address,
    so a change made meanwhile is seen. A link without a binding was made before
    links carried one (at most `PASSWORD_RESET_MINUTES` old) and is judged as then.
    """
    user = user_repository.get(session, user_id)
    if user is None:
        return None
    if binding is not None and _link_binding(user) != binding:
        return None
    return user.email


def _link_binding(user: User) -> str:
    """What a reset link is bound to: the address it is mailed to and when the
    last link was asked for, so a newer link makes the earlier ones invalid."""
    sent = user.reset_requested_at.isoformat() if user.reset_requested_at else ""
    return binding_digest(f"{user.email}|{sent}")
