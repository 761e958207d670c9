"""The broker's board: every stage of the city's questions, with counts, search,
and what each question waits on (a provider's answer, an outcome, an end date)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from app.codes import MatchStatus, QuestionStatus, label
from app.deps import SessionDep, TodayDep
from app.models import Match, Question, User
from app.questions import service as question_service
from app.web.core.page_deps import BrokerPage
from app.web.core.templating import render

router = APIRouter(include_in_schema=False)

# The stages a broker follows, in lifecycle order; drafts and withdrawn questions
# are the owner's business.
BOARD_STATUSES: list[str] = [
    QuestionStatus.SUBMITTED,
    QuestionStatus.OPEN,
    # Parked by the broker, who may open it again before its date: their business.
    QuestionStatus.PARKED,
    QuestionStatus.MATCHED,
    QuestionStatus.IN_PROGRESS,
    QuestionStatus.COMPLETED,
    QuestionStatus.NOT_MATCHED,
]
BOARD_LIMIT = 100
OLD_AFTER_DAYS = 14
_RUNNING = (QuestionStatus.MATCHED, QuestionStatus.IN_PROGRESS)
# Finished: nobody acts on them any more, so they neither count as waiting long
# nor push active work down the "Alle" tab.
_FINISHED = (QuestionStatus.COMPLETED, QuestionStatus.NOT_MATCHED)


@dataclass(frozen=True, slots=True)
class Wait:
    """One thing a question waits on: who must act, and what."""

    who: str
    what: str
    overdue: bool = False


@dataclass(frozen=True, slots=True)
class BoardRow:
    question: Question
    waiting_since: datetime
    age_days: int
    waits: list[Wait] = field(default_factory=list)

    @property
    def is_finished(self) -> bool:
        return self.question.status in _FINISHED

    @property
    def is_old(self) -> bool:
        """Waiting long for someone; a parked question waits for its date by choice."""
        return (
            not self.is_finished
            and self.question.status != QuestionStatus.PARKED
            and self.age_days > OLD_AFTER_DAYS
        )


@dataclass(frozen=True, slots=True)
class Tab:
    status: str
    label: str
    count: int
    current: bool


@dataclass(frozen=True, slots=True)
class Board:
    rows: list[BoardRow]
    total: int
    tabs: list[Tab]
    status: str
    q: str
    waiting_only: bool


def waits_of(question: Question, matches: list[Match], today: date) -> list[Wait]:
    """What the question waits on, derived from its matches and its wanted window."""
    waits = []
    for m in matches:
        if m.status == MatchStatus.PROPOSED and m.responded_at is None:
            late = m.respond_before is not None and m.respond_before < today
            waits.append(
                Wait("aanbieder", f"voorstel aan '{m.offer.title}' onbeantwoord", late)
            )
        elif m.status == MatchStatus.IN_PROGRESS and (
            m.offer.available_until is not None and m.offer.available_until < today
        ):
            waits.append(
                Wait("afronding", f"uitkomst van '{m.offer.title}' ontbreekt", True)
            )
        elif m.status == MatchStatus.COMPLETED and not m.outcome_summary:
            waits.append(Wait("afronding", "uitkomst ontbreekt", True))
    if (
        question.status in _RUNNING
        and question.wanted_until is not None
        and question.wanted_until < today
    ):
        waits.append(Wait("eigenaar en makelaar", "loopt over de einddatum", True))
    return waits


def _stage(
    session: Session, user: User, status: str, q: str, limit: int
) -> tuple[list[Question], int]:
    """Up to `limit` of the stage's questions (all stages when `status` is empty)."""
    return question_service.list_questions(
        session,
        user,
        statuses=[status] if status else BOARD_STATUSES,
        theme=None,
        neighbourhood=None,
        q=q or None,
        mine=False,
        limit=limit,
        offset=0,
    )


def board(
    session: Session,
    user: User,
    today: date,
    *,
    status: str = "",
    q: str = "",
    waiting_only: bool = False,
) -> Board:
    """One stage (or all) of the city's questions, the longest waiting first."""
    status = status if status in BOARD_STATUSES else ""
    counts = question_service.count_by_status(session, user)
    rows, total = _stage(session, user, status, q, BOARD_LIMIT)
    if total > len(rows):
        # The list comes newest first; sorted by waiting time, the oldest would
        # be the ones cut off. Sort the whole stage, then show the first.
        rows, total = _stage(session, user, status, q, total)
    matches = question_service.matches_of_questions(session, rows, user=user)
    out = []
    for question in rows:
        since = question.submitted_at or question.created_at
        waits = waits_of(question, matches.get(question.id, []), today)
        out.append(
            BoardRow(question, since, max((today - since.date()).days, 0), waits)
        )
    if waiting_only:
        out = [r for r in out if r.waits]
        total = len(out)
    out.sort(key=lambda r: (r.is_finished, r.waiting_since, str(r.question.id)))
    out = out[:BOARD_LIMIT]
    tabs = [Tab("", "Alle", sum(counts.get(s, 0) for s in BOARD_STATUSES), not status)]
    tabs += [
        Tab(s, label(QuestionStatus, s), counts.get(s, 0), s == status)
        for s in BOARD_STATUSES
    ]
    return Board(out, total, tabs, status, q, waiting_only)


@router.get("/makelaar")
def board_page(
    request: Request,
    session: SessionDep,
    user: BrokerPage,
    today: TodayDep,
    status: str = "",
    q: str = "",
    wacht: str = "",
) -> Response:
    """Every stage as a tab with its count, a search box, and what each question
    waits on; works without JavaScript (plain links and a GET form)."""
    result = board(
        session, user, today, status=status, q=q.strip()[:200], waiting_only=bool(wacht)
    )
    return render(request, "broker/board.html", {"board": result})
