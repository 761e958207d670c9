"""Which status changes of a question are allowed, and who may make them.

    draft -> submitted -> open -> matched -> in_progress -> completed
    side exits: withdrawn (owner or broker), not_matched (broker)

`matched`, `in_progress` and `completed` follow from the matches (app.matches), never
from a manual transition.
"""

from __future__ import annotations

from typing import Literal

Actor = Literal["owner", "broker"]

MANUAL: dict[tuple[str, str], frozenset[Actor]] = {
    ("draft", "submitted"): frozenset({"owner"}),
    ("submitted", "draft"): frozenset({"owner", "broker"}),
    ("submitted", "open"): frozenset({"broker"}),
    ("submitted", "not_matched"): frozenset({"broker"}),
    ("open", "not_matched"): frozenset({"broker"}),
    ("not_matched", "open"): frozenset({"broker"}),
    ("draft", "withdrawn"): frozenset({"owner", "broker"}),
    ("submitted", "withdrawn"): frozenset({"owner", "broker"}),
    ("open", "withdrawn"): frozenset({"owner", "broker"}),
}

MATCH_DRIVEN: frozenset[str] = frozenset({"matched", "in_progress", "completed"})

# A question's text and settings may change only while it is not yet being worked on.
EDITABLE: frozenset[str] = frozenset({"draft", "submitted", "open", "not_matched"})


def allowed_targets(status: str) -> list[str]:
    return sorted(to for (frm, to) in MANUAL if frm == status)
