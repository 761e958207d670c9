"""The student portal over HTTP: anyone may browse, search and express interest."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from app.codes import Level
from app.deps import EnvDep, SessionDep, SettingsDep
from app.errors import error_responses
from app.interests import service as interest_service
from app.interests.schemas import (
    InterestConfirm,
    InterestConfirmed,
    InterestCreate,
    InterestReceipt,
)
from app.portal import service
from app.portal.schemas import AssignmentRead, Lang, ResultsPage
from app.portal.service import PortalQuery
from app.ratelimit import rate_limit
from app.schemas import IsoDate, LimitQuery, OffsetQuery, Page

router = APIRouter(
    prefix="/api/portal",
    tags=["portal"],
    dependencies=[Depends(rate_limit("public"))],
    responses=error_responses(
        {
            429: "too many requests from this address; try later",
            503: "the rate-limit storage is unreachable",
        }
    ),
)

_LIST_ERRORS = error_responses(
    {
        422: "unknown theme, neighbourhood or municipality; bad period",
    }
)
_ONE_ERRORS = error_responses(
    {
        404: "no such public open assignment",
        422: "invalid input",
    }
)

LangQuery = Annotated[Lang, Query(description="Language of theme labels.")]
TextQuery = Annotated[
    str | None,
    Query(max_length=200, description="Words to find; case and accents are ignored."),
]
ThemeQuery = Annotated[str | None, Query(max_length=60, description="Theme slug.")]
HoodQuery = Annotated[
    str | None,
    Query(max_length=120, description="Neighbourhood slug or a buurt name within it."),
]
CityQuery = Annotated[
    str | None,
    Query(
        max_length=60, description="Municipality slug; the default city if left out."
    ),
]


@router.get("/assignments", responses=_LIST_ERRORS)
def list_assignments(
    session: SessionDep,
    settings: SettingsDep,
    municipality: CityQuery = None,
    level: Level | None = None,
    theme: ThemeQuery = None,
    neighbourhood: HoodQuery = None,
    on: Annotated[
        IsoDate | None, Query(description="Wanted window contains it.")
    ] = None,
    period_from: Annotated[IsoDate | None, Query(alias="from")] = None,
    until: Annotated[
        IsoDate | None, Query(description="Window overlaps from-until.")
    ] = None,
    q: TextQuery = None,
    lang: LangQuery = "nl",
    limit: LimitQuery = 20,
    offset: OffsetQuery = 0,
) -> Page[AssignmentRead]:
    """Public open assignments for students, newest first; no personal data. Anyone."""
    query = PortalQuery(
        municipality=municipality or settings.default_municipality,
        level=level,
        theme=theme,
        neighbourhood=neighbourhood,
        on=on,
        period_from=period_from,
        period_until=until,
        q=q,
        lang=lang,
    )
    items, total = service.list_assignments(session, query, limit=limit, offset=offset)
    return Page(items=items, total=total, limit=limit, offset=offset)


@router.get("/assignments/{question_id:uuid}", responses=_ONE_ERRORS)
def read_assignment(
    question_id: uuid.UUID, session: SessionDep, lang: LangQuery = "nl"
) -> AssignmentRead:
    """One public open assignment with the courses it runs in. Anyone."""
    return service.get_assignment(session, question_id, lang=lang)


@router.post(
    "/assignments/{question_id:uuid}/interest",
    status_code=status.HTTP_201_CREATED,
    dependencies=[Depends(rate_limit("interest"))],
    responses={
        **_ONE_ERRORS,
        **error_responses(
            {
                422: "invalid field, or a level the assignment does not take",
                429: "too many sign-ups from this address; try later",
                503: "the rate-limit storage is unreachable",
            }
        ),
    },
)
def express_interest(
    question_id: uuid.UUID, data: InterestCreate, session: SessionDep, env: EnvDep
) -> InterestReceipt:
    """Tell the broker you would like to work on this assignment; you get a mail
    with a link to confirm first (rate-limited). Anyone."""
    interest_service.express_interest(session, question_id, data, env=env)
    return InterestReceipt(assignment_id=question_id)


@router.post(
    "/interests/confirm",
    dependencies=[Depends(rate_limit("interest"))],
    responses=error_responses(
        {
            422: "the link is invalid or expired",
            429: "too many attempts from this address; try later",
        }
    ),
)
def confirm_interest(
    data: InterestConfirm, session: SessionDep, settings: SettingsDep
) -> InterestConfirmed:
    """Confirm an interest with the token of the mailed link (double opt-in). Anyone."""
    interest = interest_service.confirm_interest(session, data.token, settings=settings)
    return InterestConfirmed(question_id=interest.question_id)


@router.get("/results", responses=_LIST_ERRORS)
def list_results(
    session: SessionDep,
    settings: SettingsDep,
    municipality: CityQuery = None,
    theme: ThemeQuery = None,
    neighbourhood: HoodQuery = None,
    q: TextQuery = None,
    lang: LangQuery = "nl",
    limit: LimitQuery = 20,
    offset: OffsetQuery = 0,
) -> ResultsPage:
    """Completed public questions and what they produced, with theme and area counts. Anyone."""
    query = PortalQuery(
        municipality=municipality or settings.default_municipality,
        theme=theme,
        neighbourhood=neighbourhood,
        q=q,
        lang=lang,
    )
    return service.list_results(session, query, limit=limit, offset=offset)
