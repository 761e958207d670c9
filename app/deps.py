"""Dependency aliases: the session, the settings and who is calling.

A missing or bad token is 401; a valid user in the wrong role is 403.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import get_session
from app.errors import NotAuthenticatedError, PermissionDeniedError
from app.matches.adapters import Encoder
from app.models import User
from app.security import read_token

oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/auth/token", auto_error=False)


def get_app_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_session)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]


def get_current_user(
    session: SessionDep,
    settings: SettingsDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
) -> User:
    if not token:
        raise NotAuthenticatedError("not authenticated: send a bearer token")
    user_id = read_token(token, settings.secret_key.get_secret_value())
    user = session.get(User, user_id) if user_id else None
    if user is None or not user.is_active:
        raise NotAuthenticatedError("invalid or expired token")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: str) -> Callable[[User], User]:
    """A dependency that lets only the given roles through (403 for others)."""

    def _check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise PermissionDeniedError(
                f"this action needs role {' or '.join(roles)}; you are {user.role}"
            )
        return user

    return _check


BrokerUser = Annotated[User, Depends(require_roles("broker"))]
AdminUser = Annotated[User, Depends(require_roles("admin"))]
QuestionUser = Annotated[User, Depends(require_roles("staff", "broker"))]
OfferUser = Annotated[User, Depends(require_roles("provider", "broker"))]


def get_encoder(request: Request) -> Encoder | None:
    """The embedding model loaded at start-up; None means lexical ranking only."""
    encoder: Encoder | None = getattr(request.app.state, "encoder", None)
    return encoder


def get_today(settings: SettingsDep) -> date:
    """'Today' in the Netherlands, unless pinned by KENNISBRUG_REFERENCE_DATE."""
    return settings.reference_date or datetime.now(ZoneInfo("Europe/Amsterdam")).date()


EncoderDep = Annotated[Encoder | None, Depends(get_encoder)]
TodayDep = Annotated[date, Depends(get_today)]
