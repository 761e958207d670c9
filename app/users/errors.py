"""Refusals of account management."""

from __future__ import annotations

from app.errors import ConflictError, FieldError, NotFoundError


class UserNotFound(NotFoundError):
    def __init__(self) -> None:
        super().__init__("user not found")


class EmailTaken(ConflictError):
    field = "email"

    def __init__(self, email: str) -> None:
        super().__init__(
            f"a user with email {email} already exists",
            fields={"email": "already in use"},
        )
        self.email = email


class AffiliationRequired(FieldError):
    """Staff and brokers need a municipality, providers an institution."""

    def __init__(self, role: str, field: str) -> None:
        super().__init__(
            f"a {role} user needs {'an' if field == 'institution' else 'a'} {field}",
            field=field,
            field_message=f"required for role {role}",
        )
        self.role = role


class WrongCurrentPassword(FieldError):
    """Changing one's own password needs the current one (a left-open session
    must not be enough to take the account over)."""

    def __init__(self) -> None:
        super().__init__(
            "the current password is not correct",
            field="current_password",
            field_message="not correct",
        )


class OwnAccess(ConflictError):
    """An admin cannot deactivate their own account or change their own role
    (another admin does that), so nobody locks themselves out by mistake; nor set
    their own password without the current one (that is /account/wachtwoord)."""

    def __init__(self, change: str) -> None:
        super().__init__(f"you cannot change your own {change}")
        self.change = change  # "is_active", "role" or "password"


class LastAdmin(ConflictError):
    """The last active admin stays an active admin: else nobody can manage accounts."""

    def __init__(self) -> None:
        super().__init__("this is the last active admin account")
