"""A question's history for the broker, in Dutch: its own and its matches' events."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy.orm import Session

from app.audit import service as audit
from app.codes import MatchStatus, QuestionStatus, label
from app.models import Match, Question, User
from app.web.core import display


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
    events = audit.list_events(session, entity_ids=[q.id, *offers])
    names: dict[uuid.UUID, str] = {}
    for e in events:
        if e.actor_id and e.actor_id not in names:
            actor = session.get(User, e.actor_id)
            names[e.actor_id] = actor.name if actor else "onbekend"
    lines = []
    for e in events:
        changes = e.changes or {}
        if e.entity_type == "match":
            subject = f"Koppeling met '{offers.get(e.entity_id, 'aanbod')}'"
            status = _status_text(MatchStatus, changes.get("status"))
        else:
            subject = "Vraag"
            status = _status_text(QuestionStatus, changes.get("status"))
        action = display.label(display.EVENT_ACTION, e.action)
        what = f"{subject}: {status}" if status else f"{subject} {action}"
        reason = changes.get("reason") or changes.get("note")
        if reason:
            what += f" (reden: {reason})"
        who = names.get(e.actor_id, "systeem") if e.actor_id else "systeem"
        lines.append(HistoryLine(e.created_at, who, what))
    return lines
