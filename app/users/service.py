"""Create and maintain accounts (admin, CLI and seeds all come through here)."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.codes import Role
from app.errors import FieldRequired
from app.models import User
from app.security import hash_password, verify_password
from app.users import repository
from app.users.errors import (
    AffiliationRequired,
    EmailTaken,
    UserNotFound,
    WrongCurrentPassword,
)
from app.users.schemas import UserCreate, UserUpdate
from app.vocab import service as vocab

_AUDITED = ("name", "is_active", "department")


def build_user(
    session: Session, data: UserCreate, *, password_hash: str | None = None
) -> User:
    """A new, unsaved user; staff and brokers need a municipality, providers an institution.

    `password_hash` lets the seeder hash one shared demo password once.
    """
    if repository.get_by_email(session, data.email) is not None:
        raise EmailTaken(data.email)
    user = User(
        email=data.email.lower(),
        name=data.name,
        role=data.role,
        password_hash=password_hash or hash_password(data.password),
        department=data.department,
    )
    if data.role in (Role.STAFF, Role.BROKER):
        if not data.municipality:
            raise AffiliationRequired(data.role, "municipality")
        user.municipality = vocab.resolve_municipality(session, data.municipality)
    if data.role == Role.PROVIDER:
        if not data.institution:
            raise AffiliationRequired(data.role, "institution")
        user.institution = vocab.resolve_institution(session, data.institution)
    return user


def create_user(
    session: Session,
    data: UserCreate,
    *,
    actor: User | None,
    password_hash: str | None = None,
) -> User:
    """Create an account."""
    user = build_user(session, data, password_hash=password_hash)
    session.add(user)
    try:
        session.flush()
    except IntegrityError:  # the same email, created by a parallel request
        session.rollback()
        raise EmailTaken(data.email) from None
    audit.record(
        session,
        actor=actor,
        entity_type="user",
        entity_id=user.id,
        municipality_id=user.municipality_id,
        action="created",
        changes={"email": user.email, "role": user.role},
    )
    session.commit()
    return user


def list_users(session: Session) -> list[User]:
    return repository.list_all(session)


def update_user(
    session: Session, user_id: uuid.UUID, data: UserUpdate, *, actor: User
) -> User:
    """Rename, re-password, (de)activate an account."""
    user = repository.get(session, user_id)
    if user is None:
        raise UserNotFound()
    before = audit.snapshot(user, _AUDITED)
    changes = data.model_dump(exclude_unset=True)
    password = changes.pop("password", None)
    for key, value in changes.items():
        if value is None and key != "department":
            raise FieldRequired(key)
        setattr(user, key, value)
    if password:
        user.password_hash = hash_password(password)
    if password or (before["is_active"] and not user.is_active):
        # A new password or a deactivated account ends every session and token.
        user.session_version += 1
    audit.record(
        session,
        actor=actor,
        entity_type="user",
        entity_id=user.id,
        municipality_id=user.municipality_id,
        action="updated",
        changes=audit.diff(before, audit.snapshot(user, _AUDITED))
        | ({"password": "changed"} if password else {}),
    )
    session.commit()
    return user


def end_all_sessions(session: Session, user: User) -> None:
    """Log out everywhere: every token and session cookie of the user stops working."""
    user.session_version += 1
    audit.record(
        session,
        actor=user,
        entity_type="user",
        entity_id=user.id,
        municipality_id=user.municipality_id,
        action="logged_out",
    )
    session.commit()


def set_mail_preference(session: Session, user: User, *, wants_mail: bool) -> None:
    """Switch all but essential mail on or off for this user (their own choice)."""
    if user.wants_mail != wants_mail:
        audit.record(
            session,
            actor=user,
            entity_type="user",
            entity_id=user.id,
            municipality_id=user.municipality_id,
            action="updated",
            changes={"wants_mail": {"before": user.wants_mail, "after": wants_mail}},
        )
        user.wants_mail = wants_mail
    session.commit()


def change_own_password(
    session: Session, user: User, *, current: str, new: str
) -> User:
    """The user sets a new password after giving the current one; every other
    session and token ends (the caller starts a fresh session for this one)."""
    if not verify_password(current, user.password_hash):
        raise WrongCurrentPassword()
    return update_user(session, user.id, UserUpdate(password=new), actor=user)
