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


class FollowsUnknown(FieldError):
    """The earlier question of a follow-up is not a question of the caller's city."""

    def __init__(self) -> None:
        super().__init__(
            "follows_id is not a question of your municipality",
            field="follows_id",
            field_message="the id of an earlier question of your municipality",
        )


class SplitAfterMatching(ConflictError):
    """Its proposals and matches would belong to no level part."""

    def __init__(self) -> None:
        super().__init__(
            "this question already has a proposal or a match; it cannot be split"
        )


class NotSplittable(ConflictError):
    """Only a question that is not yet worked on, and not split before, splits."""

    def __init__(self, status: str, *, reason: str) -> None:
        super().__init__(f"this question cannot be split: {reason}")
        self.status = status
        self.reason = reason


class SplitLevelsInvalid(FieldError):
    def __init__(self, *, accepted: Sequence[str]) -> None:
        super().__init__(
            "levels must name at least two different levels the question accepts",
            field="levels",
            field_message=f"two or more of {allowed(sorted(accepted))}",
        )
        self.accepted = list(accepted)


class ParkUntilRequired(FieldError):
    """Parking needs the day the question opens again, after today."""

    def __init__(self, today: date) -> None:
        super().__init__(
            f"parking a question needs 'until': a date after {today.isoformat()}",
            field="until",
            field_message=f"required: a date after {today.isoformat()}",
        )
        self.today = today
