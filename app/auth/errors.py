"""Refusals of authentication and roles."""

from __future__ import annotations

from collections.abc import Sequence

from app.errors import FieldError, NotAuthenticatedError, PermissionDeniedError


class WrongCredentials(NotAuthenticatedError):
    """The same answer for an unknown address and a wrong password."""

    def __init__(self) -> None:
        super().__init__("wrong email or password")


class NoToken(NotAuthenticatedError):
    def __init__(self) -> None:
        super().__init__("not authenticated: send a bearer token")


class InvalidToken(NotAuthenticatedError):
    def __init__(self) -> None:
        super().__init__(
            "invalid, expired or revoked token (after a logout or password change)"
        )


class WrongRole(PermissionDeniedError):
    def __init__(self, roles: Sequence[str], role: str) -> None:
        super().__init__(f"this action needs role {' or '.join(roles)}; you are {role}")
        self.roles = list(roles)


class InvalidResetLink(FieldError):
    """Forged, expired and used links look alike: none says which it was."""

    def __init__(self) -> None:
        super().__init__(
            "invalid, expired or already used password-reset link",
            field="token",
            field_message="ask for a new link: this one is invalid, expired or used",
        )
