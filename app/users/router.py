"""Account management. Admin only."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from app.deps import AdminUser, SessionDep
from app.errors import error_responses
from app.users import service
from app.users.schemas import UserCreate, UserRead, UserUpdate

router = APIRouter(
    prefix="/api/users",
    tags=["users"],
    responses=error_responses({401: "not authenticated", 403: "not an admin"}),
)


@router.get("")
def list_users(session: SessionDep, admin: AdminUser) -> list[UserRead]:
    """Every account. Admin only."""
    return [UserRead.model_validate(u) for u in service.list_users(session)]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        {409: "email address already in use", 422: "invalid input"}
    ),
)
def create_user(data: UserCreate, session: SessionDep, admin: AdminUser) -> UserRead:
    """Create an account. Admin only."""
    return UserRead.model_validate(service.create_user(session, data, actor=admin))


@router.patch(
    "/{user_id:uuid}",
    responses=error_responses(
        {
            404: "no such user",
            409: "email address already in use, or the change would lock out "
            "yourself or the last admin",
            422: "invalid input (e.g. a broker without a municipality)",
        }
    ),
)
def update_user(
    user_id: uuid.UUID, data: UserUpdate, session: SessionDep, admin: AdminUser
) -> UserRead:
    """Edit an account: email, name, role, municipality or institution, password,
    (de)activation. A new role or affiliation ends the user's sessions. Admin only."""
    return UserRead.model_validate(
        service.update_user(session, user_id, data, actor=admin)
    )
