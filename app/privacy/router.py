"""A person's data: export and erasure on request (AVG). Admin only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.deps import AdminUser, SessionDep
from app.errors import error_responses
from app.privacy import service
from app.privacy.schemas import ErasureReport, ErasureRequest, PersonExport
from app.schemas import Email

router = APIRouter(
    prefix="/api/privacy",
    tags=["privacy"],
    responses=error_responses(
        {401: "not authenticated", 403: "not an admin", 422: "invalid e-mail address"}
    ),
)


@router.get("/export")
def export_person(
    email: Annotated[Email, Query(max_length=254)],
    session: SessionDep,
    admin: AdminUser,
    response: Response,
) -> PersonExport:
    """Everything stored about one person, as JSON. Admin only."""
    response.headers["Cache-Control"] = "no-store"
    return service.export_person(session, str(email))


@router.post("/erase")
def erase_person(
    data: ErasureRequest, session: SessionDep, admin: AdminUser
) -> ErasureReport:
    """Delete the person's interests, anonymise their account and contact fields,
    scrub them from the audit log; questions, offers and matches stay. Admin only."""
    return service.erase_person(session, str(data.email), actor=admin)
