"""Refusals of the question use cases."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from app.errors import (
    ConflictError,
    FieldError,
    NotFoundError,
    PermissionDeniedError,
    allowed,
)


class QuestionNotFound(NotFoundError):
    """Also for a question of another city: its existence is private."""

    def __init__(self) -> None:
        super().__init__("question not found")


class NoMunicipality(PermissionDeniedError):
    def __init__(self) -> None:
        super().__init__("your account is not linked to a municipality")


class QuestionNotEditable(ConflictError):
    def __init__(self, status: str, *, editable: Collection[str]) -> None:
        super().__init__(
            f"a question in status {status!r} can no longer be edited; "
            f"editable in {allowed(sorted(editable))}"
        )
        self.status = status


class StatusFollowsMatches(ConflictError):
    """matched, in_progress and completed are set by the match lifecycle only."""

    def __init__(self, to: str) -> None:
        super().__init__(
            f"status {to!r} follows from the question's matches; "
            "confirm, start or complete a match instead"
        )
        self.to = to


class TransitionNotAllowed(ConflictError):
    def __init__(self, current: str, to: str, *, targets: Sequence[str]) -> None:
        super().__init__(
            f"cannot move a question from {current!r} to {to!r}; "
            + (
                f"allowed from {current!r}: {allowed(targets)}"
                if targets
                else f"{current!r} is final here"
            )
        )
        self.current = current
        self.to = to


class TransitionNotYours(PermissionDeniedError):
    def __init__(self, to: str, *, who: Sequence[str]) -> None:
        super().__init__(
            f"only the {' or '.join(sorted(who))} may move this question to {to!r}"
        )
        self.to = to


class QuestionMovedMeanwhile(ConflictError):
    """Another request changed the status between this one's read and its write."""

    def __init__(self, expected: str, current: str, to: str) -> None:
        super().__init__(
            f"the question moved from {expected!r} to {current!r} meanwhile; "
            f"cannot move it to {to!r} now",
            fields={"status": f"the question is now {current!r}"},
        )
        self.current = current
        self.to = to


class ParkUntilRequired(FieldError):
    """Parking needs the day the question opens again, after today."""

    def __init__(self, today: date) -> None:
        super().__init__(
            f"parking a question needs 'until': a date after {today.isoformat()}",
            field="until",
            field_message=f"required: a date after {today.isoformat()}",
        )
