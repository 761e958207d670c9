"""The broker's capacity page: free places per institution, level and theme in a
period, so they see where supply is short and can ask institutions for more."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from app.deps import SessionDep, TodayDep
from app.reports import capacity
from app.schemas import day_in_range
from app.web.core.page_deps import BrokerPage
from app.web.core.templating import render

router = APIRouter(include_in_schema=False)

DateText = Annotated[str | None, Query(max_length=20)]
FromText = Annotated[str | None, Query(alias="from", max_length=20)]


def _day(text: str | None) -> date | None:
    try:
        return day_in_range(text) if text else None
    except ValueError:
        return None


@router.get("/rapportage/capaciteit", name="capacity_page")
def capacity_page(
    request: Request,
    session: SessionDep,
    user: BrokerPage,
    today: TodayDep,
    period_from: FromText = None,
    until: DateText = None,
) -> Response:
    """Capacity, places taken and free places of the offers in a period."""
    start = _day(period_from) or today
    end = _day(until) or start + timedelta(days=364)
    error = None
    if end < start:
        error = (
            "De einddatum ligt voor de begindatum; de periode van een jaar is getoond."
        )
        end = start + timedelta(days=364)
    report = capacity.capacity_report(session, user, period_from=start, until=end)
    return render(
        request,
        "reports/capacity.html",
        {"report": report, "start": start, "end": end, "error": error},
    )
