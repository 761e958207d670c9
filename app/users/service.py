"""Create and maintain accounts (admin, CLI and seeds all come through here)."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.audit import service as audit
from app.codes import Role
from app.db import serialise
from app.errors import FieldRequired
from app.models import User
from app.security import hash_password, verify_password
from app.users import repository
from app.users.errors import (
    AffiliationRequired,
    EmailTaken,
    LastAdmin,
    OwnAccess,
    UserNotFound,
    WrongCurrentPassword,
)
from app.users.schemas import UserCreate, UserUpdate
from app.vocab import service as vocab

_AUDITED = (
    "email",
    "name",
    "role",
    "municipality_id",
    "institution_id",
    "is_active",
    "department",
)
# A change of any of these changes what the user may see: their sessions end.
_ACCESS = ("role", "municipality_id", "institution_id")
_AFFILIATION = ("municipality", "institution")
_NEEDS_MUNICIPALITY = (Role.STAFF, Role.BROKER)


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
    if data.role in _NEEDS_MUNICIPALITY:
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


def get_user(session: Session, user_id: uuid.UUID) -> User:
    user = repository.get(session, user_id)
    if user is None:
        raise UserNotFound()
    return user


def update_user(
    session: Session, user_id: uuid.UUID, data: UserUpdate, *, actor: User
) -> User:
    """Edit an account: e-mail, name, role, affiliation, password, (de)activation.

    The same affiliation rules as on creation; a new role or affiliation, a new
    password or a deactivation ends every session and token of the user (what they
    may see changed). Nobody changes their own role or deactivates themselves, and
    the last active admin stays one. Nobody sets their own password here either:
    that needs the current one (`change_own_password`), else a left-open admin
    session would be enough to take the admin's account over.
    """
    if data.password and user_id == actor.id:
        raise OwnAccess("password")
    return _update_user(session, user_id, data, actor=actor)


def _update_user(
    session: Session, user_id: uuid.UUID, data: UserUpdate, *, actor: User
) -> User:
    """`update_user` without the own-password refusal (the caller checked)."""
    user = repository.lock(session, get_user(session, user_id).id)
    changes = data.model_dump(exclude_unset=True)
    user.next_edit(changes.pop("version", None))
    before = audit.snapshot(user, _AUDITED)
    password = changes.pop("password", None)
    affiliation = {k: changes.pop(k) for k in _AFFILIATION if k in changes}
    for key, value in changes.items():
        if value is None and key != "department":
            raise FieldRequired(key)
    email = changes.pop("email", None)
    if "role" in changes or affiliation:
        _set_role(session, user, changes.pop("role", user.role), affiliation)
    for key, value in changes.items():
        setattr(user, key, value)
    if email is not None and email.lower() != user.email:
        if repository.get_by_email(session, email) is not None:
            raise EmailTaken(email)
        user.email = email.lower()
    _keep_admin_access(session, user, before, actor)
    if password:
        user.password_hash = hash_password(password)
    try:
        session.flush()  # also sets the affiliation ids the audit compares
    except IntegrityError:  # the same email, taken by a parallel request
        session.rollback()
        raise EmailTaken(email or user.email) from None
    after = audit.snapshot(user, _AUDITED)
    access_changed = any(before[k] != after[k] for k in _ACCESS)
    if password or access_changed or (before["is_active"] and not user.is_active):
        # What the user may do changed: every session and token ends.
        user.session_version = User.session_version + 1  # the stored one
    audit.record(
        session,
        actor=actor,
        entity_type="user",
        entity_id=user.id,
        municipality_id=user.municipality_id,
        action="updated",
        changes=audit.diff(before, after)
        | ({"password": "changed"} if password else {}),
    )
    session.commit()
    return user


def _set_role(
    session: Session, user: User, role: str, affiliation: dict[str, str | None]
) -> None:
    """The role and the one affiliation it needs (the other is cleared), as on creation."""
    current_city = user.municipality.slug if user.municipality else None
    current_institution = user.institution.name if user.institution else None
    municipality = affiliation.get("municipality", current_city)
    institution = affiliation.get("institution", current_institution)
    user.role = role
    user.municipality = None
    user.institution = None
    if role in _NEEDS_MUNICIPALITY:
        if not municipality:
            raise AffiliationRequired(role, "municipality")
        user.municipality = vocab.resolve_municipality(session, municipality)
    if role == Role.PROVIDER:
        if not institution:
            raise AffiliationRequired(role, "institution")
        user.institution = vocab.resolve_institution(session, institution)


def _keep_admin_access(
    session: Session, user: User, before: dict[str, object], actor: User
) -> None:
    """Refuse a change that would lock the actor or everyone out of account management."""
    demoted = before["role"] == Role.ADMIN and user.role != Role.ADMIN
    deactivated = bool(before["is_active"]) and not user.is_active
    if user.id == actor.id and (deactivated or before["role"] != user.role):
        raise OwnAccess("is_active" if deactivated else "role")
    if before["is_active"] and (demoted or (deactivated and user.role == Role.ADMIN)):
        _keep_an_admin(session, {user.id})


def check_deactivation(
    session: Session, users: Collection[User], *, actor: User | None
) -> None:
    """Refuse to deactivate these accounts (an erasure) under the rules of
    `update_user`: not the actor's own account, and not the last active admins."""
    active = {u.id for u in users if u.is_active}
    if actor is not None and actor.id in active:
        raise OwnAccess("is_active")
    if any(u.role == Role.ADMIN for u in users if u.id in active):
        _keep_an_admin(session, active)


def _keep_an_admin(session: Session, leaving: set[uuid.UUID]) -> None:
    """Refuse when no active admin would remain outside `leaving`.

    One such check at a time: two admins deactivating each other at once would
    each still count the other as active.
    """
    serialise(session, "admins")
    admins = repository.active_with_role(session, Role.ADMIN)
    if all(u.id in leaving for u in admins):
        raise LastAdmin()


def end_all_sessions(session: Session, user: User) -> None:
    """Log out everywhere: every token and session cookie of the user stops working."""
    user.session_version = User.session_version + 1  # the stored one
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
    # Checked on the locked row: a reset link used meanwhile made `current` stale.
    if not verify_password(current, repository.lock(session, user.id).password_hash):
        raise WrongCurrentPassword()
    # The current password was checked above: the one way to set one's own.
    return _update_user(session, user.id, UserUpdate(password=new), actor=user)
