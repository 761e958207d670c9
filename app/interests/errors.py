"""Refusals of a student's interest."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from app.errors import ConflictError, FieldError, NotFoundError, allowed


class LevelNotAccepted(FieldError):
    def __init__(self, levels: Sequence[str]) -> None:
        super().__init__(
            f"this assignment is for {allowed(list(levels))} students",
            field="level",
            field_message=f"this assignment accepts {allowed(list(levels))}",
        )
        self.levels = list(levels)


class InvalidConfirmation(FieldError):
    """A confirmation link that is not ours, too old, or for an erased interest.

    `question_id`: the assignment of a genuine link that expired (to sign up again).
    """

    def __init__(self, question_id: uuid.UUID | None = None) -> None:
        super().__init__(
            "this confirmation link is invalid or has expired; sign up again",
            field="token",
            field_message="invalid or expired",
        )
        self.question_id = question_id


class AssignmentClosed(InvalidConfirmation):
    """A genuine link of an assignment that no longer takes students (withdrawn,
    parked, completed, made private): confirming it would hand the broker an
    interest in closed work and send the student to a page that is gone."""

    def __init__(self) -> None:
        FieldError.__init__(
            self,
            "this assignment is no longer open for sign-ups",
            field="token",
            field_message="the assignment is no longer open",
        )
        self.question_id = None


class InterestNotFound(NotFoundError):
    def __init__(self) -> None:
        super().__init__("no such confirmed interest in this question")


class InterestAlreadyHandled(ConflictError):
    """Two brokers (or two tabs) marked the same interest: the first one counts."""

    def __init__(self) -> None:
        super().__init__("this interest has been marked as handled already")
