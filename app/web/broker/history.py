"""A question's history for the broker, in Dutch: its own and its matches' events."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.codes import MatchStatus, QuestionStatus, label
from app.models import Match, Question
from app.web.core import display
from app.web.staff.question_form import LABELS


@dataclass(frozen=True, slots=True)
class ChangedField:
    label: str
    before: str
    after: str


def _shown(value: Any) -> str:
    if value in (None, "", []):
        return "(leeg)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, bool):
        return "ja" if value else "nee"
    return str(value)


def articulation(session: Session, q: Question) -> list[ChangedField]:
    """What the broker changed between submission and opening (the latest opening)."""
    found: dict[str, Any] = {}
    for entry in audit.history(session, [q.id]):
        changed = (entry.event.changes or {}).get("articulation")
        if isinstance(changed, dict):
            found = changed
    return [
        ChangedField(LABELS.get(k, k), _shown(v.get("before")), _shown(v.get("after")))
        for k, v in found.items()
        if isinstance(v, dict)
    ]


@dataclass(frozen=True, slots=True)
class HistoryLine:
    at: datetime
    who: str
    what: str


def _status_text(statuses: type[StrEnum], change: Any) -> str:
    if not isinstance(change, dict):
        return ""
    before = label(statuses, change.get("before"))
    after = label(statuses, change.get("after"))
    return f"{before} → {after}" if before else after


def history(session: Session, q: Question, matches: list[Match]) -> list[HistoryLine]:
    """The question's and its matches' events, oldest first, in words."""
    offers = {m.id: m.offer.title for m in matches}
    lines = []
    for entry in audit.history(session, [q.id, *offers]):
        e = entry.event
        changes = e.changes or {}
        if e.entity_type == "match":
            subject = f"Koppeling met '{offers.get(e.entity_id, 'aanbod')}'"
            status = _status_text(MatchStatus, changes.get("status"))
        else:
            subject = "Vraag"
            status = _status_text(QuestionStatus, changes.get("status"))
        action = display.label(display.EVENT_ACTION, e.action)
        what = f"{subject}: {status}" if status else f"{subject} {action}"
        if isinstance(changes.get("articulation"), dict):
            what += (
                " (aangescherpt: "
                + ", ".join(LABELS.get(k, k).lower() for k in changes["articulation"])
                + ")"
            )
        reason = changes.get("reason") or changes.get("note")
        if reason:
            what += f" (reden: {reason})"
        who = entry.actor_name or ("onbekend" if e.actor_id else "systeem")
        lines.append(HistoryLine(e.created_at, who, what))
    return lines
