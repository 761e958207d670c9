"""Every query on accounts."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import User


def get(session: Session, user_id: uuid.UUID) -> User | None:
    return session.get(User, user_id)


def lock(session: Session, user_id: uuid.UUID) -> User:
    """Re-read the account and hold its row until the transaction ends: two edits
    (a role change, a password change and a reset link) decide one at a time."""
    return session.scalars(
        select(User)
        .where(User.id == user_id)
        .with_for_update(of=User)
        .execution_options(populate_existing=True)
    ).one()


def get_by_email(session: Session, email: str) -> User | None:
    return session.scalar(
        select(User).where(func.lower(User.email) == email.strip().lower())
    )


def list_all(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.email)))


def names(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Display names of the given accounts (for history lines)."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = session.execute(select(User.id, User.name).where(User.id.in_(wanted)))
    return {row.id: row.name for row in rows}


def active_with_role(session: Session, role: str) -> list[User]:
    return list(
        session.scalars(
            select(User)
            .where(User.role == role, User.is_active.is_(True))
            .order_by(User.email)
        )
    )
