"""Log in with the OAuth2 password flow; see who you are."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import reset, service
from app.auth.schemas import (
    PasswordResetAccepted,
    PasswordResetConfirm,
    PasswordResetRequest,
    TokenRead,
)
from app.deps import CurrentUser, SessionDep, SettingsDep
from app.errors import error_responses
from app.ratelimit import RateLimiterDep, client_key
from app.security import create_token
from app.users import service as user_service
from app.users.schemas import UserRead

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post(
    "/token",
    responses=error_responses(
        {
            401: "wrong email or password",
            422: "missing username or password",
            429: "too many failed attempts",
            503: "the rate-limit storage is unreachable",
        }
    ),
)
def issue_token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
) -> TokenRead:
    """Exchange email (as `username`) and password for a bearer token. Anyone;
    throttled after repeated failures."""
    user = service.authenticate_throttled(
        session,
        limiter,
        client=client_key(request),
        email=form.username,
        password=form.password,
    )
    token = create_token(
        user.id,
        settings.secret_key.get_secret_value(),
        settings.token_ttl_minutes,
        session_version=user.session_version,
    )
    return TokenRead(access_token=token, expires_in=settings.token_ttl_minutes * 60)


@router.get("/me", responses=error_responses({401: "not authenticated"}))
def who_am_i(user: CurrentUser) -> UserRead:
    """The calling user. Any authenticated user."""
    return UserRead.model_validate(user)


@router.post(
    "/logout",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses({401: "not authenticated"}),
)
def log_out(session: SessionDep, user: CurrentUser) -> Response:
    """End every token and session of the calling user. Any authenticated user."""
    user_service.end_all_sessions(session, user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/password-reset",
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses({422: "not an e-mail address", 429: "too many requests"}),
)
def ask_password_reset(
    data: PasswordResetRequest,
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    limiter: RateLimiterDep,
) -> PasswordResetAccepted:
    """Mail a one-time reset link if the address has an active account. Anyone;
    throttled; the answer is the same whether or not the address is known."""
    limiter.hit("password_reset", client_key(request))
    reset.request_reset(session, settings=settings, email=str(data.email))
    return PasswordResetAccepted()


@router.post(
    "/password-reset/confirm",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(
        {422: "invalid, expired or used link, or a too short password"}
    ),
)
def confirm_password_reset(
    data: PasswordResetConfirm, session: SessionDep, settings: SettingsDep
) -> Response:
    """Set a new password with the link's token; ends every session. Anyone
    holding a valid link."""
    reset.reset_password(
        session, settings=settings, token=data.token, password=data.password
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)
