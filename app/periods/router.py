"""Academic periods over HTTP: everyone signed in reads, providers and admins declare."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from app.codes import Role
from app.deps import CurrentUser, SessionDep, require_roles
from app.errors import error_responses
from app.models import User
from app.periods import service
from app.periods.schemas import PeriodCreate, PeriodRead

router = APIRouter(prefix="/api/periods", tags=["periods"])

PeriodWriter = Annotated[User, Depends(require_roles(Role.PROVIDER, Role.ADMIN))]


@router.get(
    "",
    responses=error_responses(
        {401: "not authenticated", 422: "institution longer than 120 characters"}
    ),
)
def list_periods(
    session: SessionDep,
    user: CurrentUser,
    institution: Annotated[str | None, Query(max_length=120)] = None,
) -> list[PeriodRead]:
    """Periods by start date: staff and brokers those of institutions serving their
    city, providers and admins all. Any signed-in user."""
    return [
        PeriodRead.model_validate(p)
        for p in service.list_periods(session, user, institution=institution)
    ]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        {
            401: "not authenticated",
            403: "wrong role or institution",
            409: "the institution already has a period of this name",
            422: "invalid input, e.g. ends_on before starts_on",
        }
    ),
)
def create_period(
    data: PeriodCreate, session: SessionDep, user: PeriodWriter
) -> PeriodRead:
    """Declare a semester, blok, kwartiel or BPV period. Provider (own institution)
    or admin (any, named by `institution`)."""
    return PeriodRead.model_validate(service.create_period(session, data, actor=user))
