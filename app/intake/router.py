"""Intake help over HTTP: suggestions for a draft question. Staff and broker."""

from __future__ import annotations

from fastapi import APIRouter

from app.deps import EncoderDep, QuestionUser, SessionDep, TodayDep
from app.errors import error_responses
from app.intake import service
from app.intake.schemas import AssistRead, DraftQuestion

router = APIRouter(prefix="/api/questions", tags=["questions"])

_ERRORS = error_responses(
    {401: "not authenticated", 403: "wrong role", 422: "invalid input"}
)


@router.post("/assist", responses=_ERRORS)
def assist_question(
    data: DraftQuestion,
    session: SessionDep,
    user: QuestionUser,
    encoder: EncoderDep,
    today: TodayDep,
) -> AssistRead:
    """Themes, levels and place read from a draft, similar earlier questions, hints
    where it is vague and a proposed team from current capacity. Staff or broker."""
    return service.assist(session, encoder, data, user=user, today=today)
