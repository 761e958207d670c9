"""Reports over HTTP: KPIs, CSV exports and SVG charts for the broker's municipality."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from app.codes import Role
from app.csvexport import Separator, csv_response
from app.deps import BrokerUser, NetworkUser, SessionDep, TodayDep, require_roles
from app.errors import error_responses
from app.models import User
from app.reports import capacity, exports, figures, network, service
from app.reports.schemas import NetworkRead, SummaryRead
from app.schemas import IsoDate

router = APIRouter(prefix="/api/reports", tags=["reports"])

_ERRORS = error_responses(
    {
        401: "not authenticated",
        403: "not a broker",
        422: "invalid period",
    }
)
_CSV: dict[int | str, dict[str, Any]] = {
    **_ERRORS,
    200: {"content": {"text/csv": {}}},
}

FromQuery = Annotated[
    IsoDate | None,
    Query(alias="from", description="Questions submitted on or after this day."),
]
UntilQuery = Annotated[
    IsoDate | None, Query(description="Questions submitted on or before this day.")
]


def _suffix(period_from: date | None, period_until: date | None) -> str:
    parts = [d.isoformat() for d in (period_from, period_until) if d]
    return ("-" + "_".join(parts)) if parts else ""


@router.get("/summary", responses=_ERRORS)
def read_summary(
    session: SessionDep,
    user: BrokerUser,
    period_from: FromQuery = None,
    until: UntilQuery = None,
) -> SummaryRead:
    """KPIs of your municipality over an optional submission period. Broker."""
    return service.summary(session, user, period_from=period_from, period_until=until)


@router.get("/summary.csv", response_class=Response, responses=_CSV)
def export_summary(
    session: SessionDep,
    user: BrokerUser,
    period_from: FromQuery = None,
    until: UntilQuery = None,
    sep: Separator = "semicolon",
) -> Response:
    """The KPIs as section/key/value CSV for a steering group. Broker."""
    summary = service.summary(
        session, user, period_from=period_from, period_until=until
    )
    return csv_response(
        exports.summary_csv(summary, separator=sep),
        f"kennisbrug-kpi{_suffix(period_from, until)}.csv",
    )


@router.get("/matches.csv", response_class=Response, responses=_CSV)
def export_matches(
    session: SessionDep,
    user: BrokerUser,
    period_from: FromQuery = None,
    until: UntilQuery = None,
    sep: Separator = "semicolon",
) -> Response:
    """Every match of your municipality's questions, one row each, as CSV. Broker."""
    text = exports.matches_csv(
        session, user, period_from=period_from, period_until=until, separator=sep
    )
    return csv_response(text, f"kennisbrug-matches{_suffix(period_from, until)}.csv")


@router.get(
    "/charts/{name}.svg",
    response_class=Response,
    responses={
        **_ERRORS,
        200: {"content": {"image/svg+xml": {}}},
        **error_responses({422: "invalid period or unknown chart name"}),
    },
)
def read_chart(
    name: figures.ChartName,
    session: SessionDep,
    user: BrokerUser,
    period_from: FromQuery = None,
    until: UntilQuery = None,
) -> Response:
    """One KPI as an accessible SVG chart (the same figures as the summary). Broker."""
    summary = service.summary(
        session, user, period_from=period_from, period_until=until
    )
    return Response(
        content=figures.summary_chart(summary, name),
        media_type="image/svg+xml; charset=utf-8",
    )


@router.get(
    "/network",
    responses=error_responses(
        {401: "not authenticated", 403: "not the programme office or an admin"}
    ),
)
def read_network(session: SessionDep, user: NetworkUser) -> NetworkRead:
    """Every city's figures side by side, and totals; no personal data.
    Programme office (network role) and admins; city brokers get 403."""
    return network.network_report(session)


CapacityUser = Annotated[User, Depends(require_roles(Role.BROKER, Role.ADMIN))]


@router.get(
    "/capacity",
    responses=error_responses(
        {
            401: "not authenticated",
            403: "not a broker or admin",
            422: "until before from",
        }
    ),
)
def read_capacity(
    session: SessionDep,
    user: CapacityUser,
    today: TodayDep,
    period_from: Annotated[
        IsoDate | None,
        Query(alias="from", description="Start of the period; default today."),
    ] = None,
    until: Annotated[
        IsoDate | None, Query(description="End of the period; default a year on.")
    ] = None,
) -> capacity.CapacityReport:
    """Capacity, places taken and free places per institution, level and theme of
    the offers whose window (edition) overlaps the period. Broker (own city), admin."""
    start = period_from or today
    return capacity.capacity_report(
        session,
        user,
        period_from=start,
        until=until or start + timedelta(days=364),
    )
