"""The public student pages: assignments with search and filters, one assignment
with the interest form, and the results showcase. No login; Dutch or English."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from app.deps import EnvDep, SessionDep, SettingsDep
from app.errors import UnprocessableError
from app.portal import service as portal_service
from app.portal.schemas import AssignmentRead
from app.ratelimit import rate_limit
from app.vocab import repository as vocab_repository
from app.web.core.forms import FormState
from app.web.core.page_deps import CsrfForm, PageUserOrNone
from app.web.core.session import flash
from app.web.core.templating import render
from app.web.portal import interest_form, search_filters
from app.web.portal.translations import TEXTS, pick

router = APIRouter(
    include_in_schema=False, dependencies=[Depends(rate_limit("public"))]
)

_PAGE_SIZE = 10
Text = Annotated[str | None, Query(max_length=200)]
PageNo = Annotated[int, Query(ge=1, le=10_000)]
City = Annotated[
    str | None,
    Query(max_length=100, description="City slug; default the default city."),
]


@router.get("/portaal")
def assignments_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: PageUserOrNone,
    q: Text = None,
    level: Text = None,
    theme: Text = None,
    neighbourhood: Text = None,
    period_from: Annotated[str | None, Query(alias="from", max_length=20)] = None,
    until: Annotated[str | None, Query(max_length=20)] = None,
    lang: Text = None,
    municipality: City = None,
    page: PageNo = 1,
) -> Response:
    """Public open assignments of one city with search, filters and a language
    switch."""
    chosen = pick(lang)
    default = settings.default_municipality
    city = search_filters.portal_city(session, municipality, default)
    raw = {"q": q, "level": level, "theme": theme, "neighbourhood": neighbourhood}
    f = search_filters.read_filters(
        {**raw, "from": period_from, "until": until},
        municipality=city.slug,
        districts=vocab_repository.list_neighbourhoods(session, city.id),
        default_municipality=default,
        lang=chosen,
    )
    items: list[AssignmentRead] = []
    total = 0
    if not f.error:
        try:
            items, total = portal_service.list_assignments(
                session, f.query, limit=_PAGE_SIZE, offset=(page - 1) * _PAGE_SIZE
            )
        except UnprocessableError as exc:
            f.error = search_filters.filter_error(exc, chosen)
    return render(
        request,
        "portal/assignments.html",
        {
            **search_filters.page_context(session, city, default, chosen),
            "filters": f.values,
            "error": f.error,
            "items": items,
            "total": total,
            "page": page,
            "pages": max(1, -(-total // _PAGE_SIZE)),
            **f.links(chosen),
        },
    )


def _assignment(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    question_id: uuid.UUID,
    lang: str,
    form: FormState,
    status_code: int = 200,
) -> Response:
    chosen = pick(lang)
    item = portal_service.get_assignment(session, question_id, lang=chosen)
    default = settings.default_municipality
    # The way back leads to the assignment's own city.
    city = search_filters.portal_city(session, item.municipality, default)
    return render(
        request,
        "portal/assignment.html",
        {
            **search_filters.page_context(session, city, default, chosen),
            "item": item,
            "form": form,
            "retention_days": settings.interest_retention_days,
        },
        status_code=status_code,
    )


@router.get("/portaal/{question_id}")
def assignment_page(
    request: Request,
    question_id: uuid.UUID,
    session: SessionDep,
    settings: SettingsDep,
    user: PageUserOrNone,
    lang: Text = None,
) -> Response:
    """One public assignment with its placements and the interest form."""
    form = interest_form.empty_form(pick(lang))
    return _assignment(request, session, settings, question_id, pick(lang), form)


@router.post("/portaal/{question_id}", name="portal_express_interest")
def express_interest(
    request: Request,
    question_id: uuid.UUID,
    session: SessionDep,
    settings: SettingsDep,
    env: EnvDep,
    form: CsrfForm,
) -> Response:
    """Store a student's interest (rate-limited like the API); a mail asks to confirm."""
    chosen = pick(str(form.get("lang") or ""))
    result = interest_form.submit_interest(
        request, session, question_id, form, lang=chosen, env=env
    )
    if not result.saved:
        return _assignment(
            request, session, settings, question_id, chosen, result.state,
            status_code=result.status_code,
        )  # fmt: skip
    flash(request, TEXTS[chosen]["check_mail"])
    return RedirectResponse(f"/portaal/{question_id}?lang={chosen}", status_code=303)


@router.get("/resultaten")
def results_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    user: PageUserOrNone,
    q: Text = None,
    theme: Text = None,
    neighbourhood: Text = None,
    lang: Text = None,
    municipality: City = None,
    page: PageNo = 1,
) -> Response:
    """What earlier assignments of one city produced, by theme and neighbourhood."""
    chosen = pick(lang)
    default = settings.default_municipality
    city = search_filters.portal_city(session, municipality, default)
    f = search_filters.read_filters(
        {"q": q, "theme": theme, "neighbourhood": neighbourhood},
        municipality=city.slug,
        districts=vocab_repository.list_neighbourhoods(session, city.id),
        default_municipality=default,
        lang=chosen,
    )
    results = None
    try:
        results = portal_service.list_results(
            session, f.query, limit=_PAGE_SIZE, offset=(page - 1) * _PAGE_SIZE
        )
    except UnprocessableError as exc:
        f.error = search_filters.filter_error(exc, chosen)
    return render(
        request,
        "portal/results.html",
        {
            **search_filters.page_context(session, city, default, chosen),
            "filters": f.values,
            "error": f.error,
            "results": results,
            "page": page,
            "pages": max(1, -(-(results.total if results else 0) // _PAGE_SIZE)),
            **f.links(chosen),
        },
    )
