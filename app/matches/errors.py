"""Refusals of the match lifecycle, proposals and allocation."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from app.errors import ConflictError, FieldError, NotFoundError, PermissionDeniedError


class MatchNotFound(NotFoundError):
    """Also for a match of another city: its existence is private."""

    def __init__(self) -> None:
        super().__init__("match not found")


class BrokerOrOwnerOnly(PermissionDeniedError):
    def __init__(self) -> None:
        super().__init__("only the broker or the question's owner may do this")


class QuestionNotTakingMatches(ConflictError):
    def __init__(self, status: str) -> None:
        super().__init__(
            f"question is {status!r}; matches need an open question "
            "(the broker opens it after articulating it with the owner)"
        )
        self.status = status


class QuestionIsSplit(ConflictError):
    def __init__(self) -> None:
        super().__init__(
            "question is split into sub-questions by level; match the sub-questions"
        )


class PairAlreadyMatched(ConflictError):
    field = "offer_id"

    def __init__(self, status: str, match_id: uuid.UUID) -> None:
        super().__init__(
            f"this pair already has a match with status {status!r}",
            fields={
                "offer_id": f"already matched with this question (match {match_id})"
            },
        )
        self.status = status
        self.match_id = match_id


class HardRuleBroken(ConflictError):
    """`rules` are the engine's rule codes, `labels` their Dutch names."""

    field = "offer_id"

    def __init__(
        self, offer_title: str, *, rules: Sequence[str], labels: Sequence[str]
    ) -> None:
        super().__init__(
            f"offer {offer_title!r} breaks a hard rule for this question: "
            f"{', '.join(rules)}",
            fields={"offer_id": ", ".join(rules)},
        )
        self.offer_title = offer_title
        self.rules = list(rules)
        self.labels = list(labels)


class OfferFull(ConflictError):
    field = "offer_id"

    def __init__(
        self, *, offer_id: uuid.UUID, offer_title: str, taken: int, capacity: int
    ) -> None:
        super().__init__(
            f"offer {offer_title!r} has no places left ({taken} of {capacity} taken)",
            fields={"offer_id": str(offer_id)},
        )
        self.offer_title = offer_title
        self.taken = taken
        self.capacity = capacity


class MatchStepNotAllowed(ConflictError):
    """The match is not (or no longer) in a status this step starts from."""

    def __init__(
        self, current: str, to: str, *, from_statuses: Collection[str]
    ) -> None:
        super().__init__(
            f"cannot move a match from '{current}' to '{to}'; "
            "only from " + " or ".join(f"'{s}'" for s in sorted(from_statuses)),
            fields={"status": f"the match is now '{current}'"},
        )
        self.current = current
        self.to = to


class NotAllocatable(FieldError):
    def __init__(self, question_id: uuid.UUID, status: str) -> None:
        super().__init__(
            f"question {question_id} is {status!r}; only open questions are allocated",
            field="question_ids",
            field_message="only open, matched or in-progress questions",
        )
        self.status = status
