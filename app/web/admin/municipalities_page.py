"""The admin's page to add a city with its districts and buurt names (no SQL)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from app.deps import SessionDep
from app.errors import AppError
from app.municipalities import repository, service
from app.municipalities.errors import DuplicateDistrictName, MunicipalityExists
from app.municipalities.schemas import MunicipalityCreate
from app.web.core.messages import dutch, validation_errors
from app.web.core.page_deps import AdminPage, CsrfForm
from app.web.core.session import flash
from app.web.core.templating import render

router = APIRouter(include_in_schema=False)
PATH = "/beheer/gemeenten"


def parse_districts(text: str) -> list[dict[str, object]]:
    """One district a line: `Naam: buurt, buurt` (the buurt names are optional)."""
    out: list[dict[str, object]] = []
    for line in text.splitlines():
        name, _, aliases = line.partition(":")
        if name.strip():
            out.append(
                {
                    "slug": service.slugify(name),
                    "name": name.strip(),
                    "aliases": [a.strip() for a in aliases.split(",") if a.strip()],
                }
            )
    return out


def _refusal(exc: AppError) -> str:
    if isinstance(exc, MunicipalityExists):
        return "Deze gemeente bestaat al."
    if isinstance(exc, DuplicateDistrictName):
        return f"De naam '{exc.name}' staat bij meer dan één wijk."
    return dutch(exc)


def _page(
    request: Request,
    session: SessionDep,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
) -> Response:
    return render(
        request,
        "admin/municipalities.html",
        {
            "cities": repository.list_all(session),
            "form": form or {"name": "", "districts": ""},
            "errors": errors or {},
        },
        status_code=422 if errors else 200,
    )


@router.get(PATH)
def municipalities_page(
    request: Request, session: SessionDep, user: AdminPage
) -> Response:
    """The cities of the network and a form to add one."""
    return _page(request, session)


@router.post(PATH)
def add_municipality(
    request: Request, session: SessionDep, user: AdminPage, form: CsrfForm
) -> Response:
    """Add the city; errors come back on the form, in Dutch."""
    values = {
        "name": str(form.get("name") or "").strip(),
        "districts": str(form.get("districts") or ""),
    }
    try:
        data = MunicipalityCreate.model_validate(
            {
                "slug": service.slugify(values["name"]) or "-",
                "name": values["name"],
                "districts": parse_districts(values["districts"]),
            }
        )
    except ValidationError as exc:
        found = validation_errors(exc)
        errors = {
            "name": found.get("name") or found.get("slug", ""),
            "districts": found.get("districts", ""),
        }
        return _page(
            request,
            session,
            form=values,
            errors={k: v for k, v in errors.items() if v} or {"name": "Ongeldig."},
        )
    try:
        city = service.create_municipality(session, data, actor=user)
    except AppError as exc:
        session.rollback()
        field = "districts" if isinstance(exc, DuplicateDistrictName) else "name"
        return _page(request, session, form=values, errors={field: _refusal(exc)})
    flash(request, f"{city.name} is toegevoegd met {len(data.districts)} wijk(en).")
    return RedirectResponse(PATH, status_code=303)
