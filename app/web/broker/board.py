"""The broker's board: submitted and open questions, the longest waiting first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.codes import QuestionStatus
from app.deps import SessionDep, TodayDep
from app.models import Question, User
from app.questions import service as question_service
from app.web.core.page_deps import BrokerPage
from app.web.core.templating import render

router = APIRouter(include_in_schema=False)

BOARD_STATUSES: list[str] = [QuestionStatus.SUBMITTED, QuestionStatus.OPEN]
BOARD_LIMIT = 100
OLD_AFTER_DAYS = 14


@dataclass(frozen=True, slots=True)
class BoardRow:
    question: Question
    waiting_since: datetime
    age_days: int

    @property
    def is_old(self) -> bool:
        return self.age_days > OLD_AFTER_DAYS


def board(session: Session, user: User, today: date) -> tuple[list[BoardRow], int]:
    """Submitted and open questions, the longest waiting first."""
    rows, total = question_service.list_questions(
        session,
        user,
        statuses=BOARD_STATUSES,
        theme=None,
        neighbourhood=None,
        q=None,
        mine=False,
        limit=BOARD_LIMIT,
        offset=0,
    )
    out = []
    for q in rows:
        since = q.submitted_at or q.created_at
        out.append(BoardRow(q, since, max((today - since.date()).days, 0)))
    out.sort(key=lambda r: (r.waiting_since, str(r.question.id)))
    return out, total


@router.get("/makelaar")
def board_page(
    request: Request, session: SessionDep, user: BrokerPage, today: TodayDep
) -> Response:
    """Submitted and open questions, the longest waiting first, with their age."""
    rows, total = board(session, user, today)
    return render(request, "broker/board.html", {"rows": rows, "total": total})
