"""Dependency aliases: the session, the settings and who is calling.

A missing or bad token is 401; a valid user in the wrong role is 403. Text with a
NUL character is 422 for every route (`reject_nul_characters`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import OAuth2PasswordBearer
from sqlalchemy.orm import Session
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.auth.errors import InvalidToken, NoToken, WrongRole
from app.codes import Role
from app.config import Settings
from app.db import get_session
from app.env import Env, dutch_today
from app.models import User
from app.ranking.adapters import Encoder
from app.security import read_token
from app.users import repository as user_repository

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
        raise NoToken()
    claims = read_token(token, settings.secret_key.get_secret_value())
    user = user_repository.get(session, claims.user_id) if claims else None
    if (
        claims is None
        or user is None
        or not user.is_active
        or user.session_version != claims.session_version
    ):
        raise InvalidToken()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def require_roles(*roles: str) -> Callable[[User], User]:
    """A dependency that lets only the given roles through (403 for others)."""

    def _check(user: CurrentUser) -> User:
        if user.role not in roles:
            raise WrongRole(roles, user.role)
        return user

    return _check


BrokerUser = Annotated[User, Depends(require_roles(Role.BROKER))]
AdminUser = Annotated[User, Depends(require_roles(Role.ADMIN))]
NetworkUser = Annotated[User, Depends(require_roles(Role.NETWORK, Role.ADMIN))]
QuestionUser = Annotated[User, Depends(require_roles(Role.STAFF, Role.BROKER))]
OfferUser = Annotated[User, Depends(require_roles(Role.PROVIDER, Role.BROKER))]
ProviderUser = Annotated[User, Depends(require_roles(Role.PROVIDER))]
MatchReader = Annotated[User, Depends(require_roles(Role.BROKER, Role.PROVIDER))]
AnyMatchUser = Annotated[
    User, Depends(require_roles(Role.STAFF, Role.BROKER, Role.PROVIDER))
]


def get_encoder(request: Request) -> Encoder | None:
    """The embedding model loaded at start-up; None means lexical ranking only."""
    encoder: Encoder | None = getattr(request.app.state, "encoder", None)
    return encoder


def get_today(settings: SettingsDep) -> date:
    """'Today' in the Netherlands, unless pinned by KENNISBRUG_REFERENCE_DATE."""
    return dutch_today(settings)


Location = tuple[str | int, ...]


def _nul_locations(value: object, loc: Location) -> Iterator[Location]:
    if isinstance(value, str):
        if "\x00" in value:
            yield loc
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _nul_locations(key, (*loc, key))
            yield from _nul_locations(item, (*loc, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nul_locations(item, (*loc, index))


async def _body(request: Request) -> Any:
    """The parsed JSON or form body, if any (both are cached on the request)."""
    content_type = request.headers.get("content-type", "").lower()
    try:
        if "json" in content_type:
            return await request.json()
        if content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            form = await request.form()
            return {k: v for k, v in form.multi_items() if isinstance(v, str)}
    except (ValueError, StarletteHTTPException):
        # Not parseable: the route's own body parsing reports it (or ignores it).
        return None
    return None


async def reject_nul_characters(request: Request) -> None:
    """422 for a NUL character in any text of the request: path, query or body.

    PostgreSQL cannot store NUL in text (SQLite can), so without this check such
    text would be a 500 on one database and stored on the other. An app-wide
    dependency so that every route, page form and the token form is covered.
    """
    found: list[Location] = [
        ("path", name)
        for name, value in request.path_params.items()
        if isinstance(value, str) and "\x00" in value
    ]
    found += [
        ("query", name)
        for name, value in request.query_params.multi_items()
        if "\x00" in name + value
    ]
    found += _nul_locations(await _body(request), ("body",))
    if found:
        raise RequestValidationError(
            [
                {
                    "type": "string_nul",
                    "loc": loc,
                    "msg": "must not contain NUL (\\x00) characters",
                    "input": None,
                }
                for loc in found
            ]
        )


EncoderDep = Annotated[Encoder | None, Depends(get_encoder)]
TodayDep = Annotated[date, Depends(get_today)]


def get_env(settings: SettingsDep, encoder: EncoderDep, today: TodayDep) -> Env:
    return Env(settings=settings, encoder=encoder, today=today)


EnvDep = Annotated[Env, Depends(get_env)]
