"""The network report page: every city side by side, for the programme office."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.deps import SessionDep
from app.reports import network
from app.web.core.page_deps import NetworkPage
from app.web.core.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/rapportage/netwerk")
def network_page(request: Request, session: SessionDep, user: NetworkPage) -> Response:
    """Per city questions, matches, completion, time to match, levels, institutions."""
    report = network.network_report(session)
    return render(
        request,
        "reports/network.html",
        {"report": report, "rows": [*report.cities, report.totals]},
    )
