"""Which status changes of a question are allowed, and who may make them.

    draft -> submitted -> open -> matched -> in_progress -> completed
    side exits: withdrawn (owner or broker), not_matched (broker),
    parked (broker, until a date; the `reopen-parked` job opens it again)

`matched`, `in_progress` and `completed` follow from the matches (app.matches), never
from a manual transition.
"""

from __future__ import annotations

from typing import Literal

from app.codes import QuestionStatus

Actor = Literal["owner", "broker"]

S = QuestionStatus
MANUAL: dict[tuple[str, str], frozenset[Actor]] = {
    (S.DRAFT, S.SUBMITTED): frozenset({"owner"}),
    (S.SUBMITTED, S.DRAFT): frozenset({"owner", "broker"}),
    (S.SUBMITTED, S.OPEN): frozenset({"broker"}),
    (S.SUBMITTED, S.NOT_MATCHED): frozenset({"broker"}),
    (S.OPEN, S.NOT_MATCHED): frozenset({"broker"}),
    (S.NOT_MATCHED, S.OPEN): frozenset({"broker"}),
    (S.DRAFT, S.WITHDRAWN): frozenset({"owner", "broker"}),
    (S.SUBMITTED, S.WITHDRAWN): frozenset({"owner", "broker"}),
    (S.OPEN, S.WITHDRAWN): frozenset({"owner", "broker"}),
    (S.OPEN, S.PARKED): frozenset({"broker"}),
    (S.SUBMITTED, S.PARKED): frozenset({"broker"}),
    (S.PARKED, S.OPEN): frozenset({"broker"}),
    (S.PARKED, S.WITHDRAWN): frozenset({"owner", "broker"}),
}

MATCH_DRIVEN: frozenset[str] = frozenset({S.MATCHED, S.IN_PROGRESS, S.COMPLETED})
# The statuses derived from the question's matches (app.matches: open when none holds).
FOLLOWS_MATCHES: frozenset[str] = MATCH_DRIVEN | {S.OPEN}
# A question in these states takes new and confirmed matches, and students see it.
TAKES_MATCHES: frozenset[str] = frozenset({S.OPEN, S.MATCHED, S.IN_PROGRESS})

# A question's text and settings may change only while it is not yet being worked on.
EDITABLE: frozenset[str] = frozenset({S.DRAFT, S.SUBMITTED, S.OPEN, S.NOT_MATCHED})


def allowed_targets(status: str) -> list[str]:
    return sorted(to for (frm, to) in MANUAL if frm == status)
