"""The broker's articulation step: what changed between the submitted question and
the question the broker opened, read back from the audit log.

The log holds the question as created (every field) and each edit (the changed
fields), so the version at its latest submission is replayed from it; nothing extra
is stored at submission, and questions submitted before this existed work too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.codes import QuestionStatus
from app.models import Event

# Bookkeeping, not content: the status step itself says these changed.
_IGNORED = frozenset({"status"})


def submitted_version(events: Iterable[Event]) -> dict[str, Any] | None:
    """The question's fields at its latest submission, or None if never submitted."""
    state: dict[str, Any] = {}
    at_submission: dict[str, Any] | None = None
    for e in events:
        changes = e.changes or {}
        if e.action in ("created", "updated"):
            for key, change in changes.items():
                if isinstance(change, dict) and "after" in change:
                    state[key] = change["after"]
        status = changes.get("status")
        after = status.get("after") if isinstance(status, dict) else None
        if after == QuestionStatus.SUBMITTED:
            at_submission = dict(state)
    return at_submission


def changed_fields(
    submitted: Mapping[str, Any], opened: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """{"field": {"before": submitted, "after": opened}} for every changed field."""
    return {
        key: {"before": submitted.get(key), "after": value}
        for key, value in sorted(opened.items())
        if key not in _IGNORED
        and submitted.get(key) != value
        and not (submitted.get(key) in (None, "", []) and value in (None, "", []))
    }
