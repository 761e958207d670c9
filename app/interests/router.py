"""Student interests over HTTP, for the broker of the question's municipality."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import Response

from app.csvexport import Separator, csv_response
from app.deps import BrokerUser, SessionDep
from app.errors import error_responses
from app.interests import service
from app.interests.schemas import InterestRead

router = APIRouter(prefix="/api/questions", tags=["interests"])

_ERRORS = error_responses(
    {
        401: "not authenticated",
        403: "not a broker",
        404: "no such question in your municipality",
        422: "invalid input",
    }
)


@router.get("/{question_id:uuid}/interests", responses=_ERRORS)
def list_interests(
    question_id: uuid.UUID, session: SessionDep, user: BrokerUser
) -> list[InterestRead]:
    """Students' interests in one question, oldest first. Broker of its municipality."""
    return [
        InterestRead.model_validate(i)
        for i in service.list_interests(session, question_id, broker=user)
    ]


@router.get(
    "/{question_id:uuid}/interests.csv",
    response_class=Response,
    responses={**_ERRORS, 200: {"content": {"text/csv": {}}}},
)
def export_interests(
    question_id: uuid.UUID,
    session: SessionDep,
    user: BrokerUser,
    sep: Separator = "semicolon",
) -> Response:
    """Students' interests in one question as CSV (UTF-8 with BOM). Broker of its municipality."""
    text = service.interests_csv(session, question_id, broker=user, separator=sep)
    return csv_response(text, f"belangstelling-{question_id}.csv")
