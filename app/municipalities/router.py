"""Onboarding cities over HTTP: admins add them; anyone may list them."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Path, UploadFile, status

from app.deps import AdminUser, SessionDep
from app.errors import error_responses
from app.municipalities import city_import, repository, service
from app.municipalities.schemas import (
    DistrictRead,
    FocusThemesRead,
    FocusThemesUpdate,
    MunicipalityCreate,
    MunicipalityRead,
)
from app.offers.import_router import read_upload

router = APIRouter(prefix="/api/municipalities", tags=["municipalities"])


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        {
            401: "not authenticated",
            403: "admins only",
            409: "slug taken",
            422: "bad field",
        }
    ),
)
def create_municipality(
    data: MunicipalityCreate, session: SessionDep, user: AdminUser
) -> MunicipalityRead:
    """Onboard a city with its districts and buurt aliases. Admins only."""
    city = service.create_municipality(session, data, actor=user)
    return MunicipalityRead.model_validate(city)


@router.post(
    "/import",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        {
            401: "not authenticated",
            403: "admins only",
            409: "slug taken",
            413: "too large",
            422: "bad file or row",
        }
    ),
)
def import_municipalities(
    file: Annotated[UploadFile, File(description="CSV, UTF-8, ';' or ','")],
    session: SessionDep,
    user: AdminUser,
) -> list[MunicipalityRead]:
    """Onboard cities from a CSV (one row per district): all or none. Admins only.

    Columns: municipality, municipality_name, district, district_name, aliases
    (separated by '|').
    """
    cities = city_import.import_municipalities(session, read_upload(file), actor=user)
    return [MunicipalityRead.model_validate(c) for c in cities]


@router.get("")
def list_municipalities(session: SessionDep) -> list[MunicipalityRead]:
    """Every city in the network. Anyone may call this."""
    return [MunicipalityRead.model_validate(m) for m in repository.list_all(session)]


@router.get(
    "/{slug}/districts",
    responses=error_responses({404: "unknown municipality", 422: "invalid slug"}),
)
def list_districts(slug: str, session: SessionDep) -> list[DistrictRead]:
    """A city's districts with their buurt aliases. Anyone may call this."""
    return [
        DistrictRead.model_validate(d) for d in service.list_districts(session, slug)
    ]


@router.get(
    "/{slug}/focus-themes/{year}",
    responses=error_responses({404: "unknown municipality", 422: "invalid year"}),
)
def get_focus_themes(
    slug: str, year: Annotated[int, Path(ge=2000, le=2100)], session: SessionDep
) -> FocusThemesRead:
    """The city's focus themes of an agenda year: public policy, so anyone may
    call this (brokers see the boost they give on the candidates)."""
    themes = service.focus_themes(session, slug, year)
    return FocusThemesRead(municipality=slug, year=year, themes=themes)


@router.put(
    "/{slug}/focus-themes/{year}",
    responses=error_responses(
        {
            401: "not authenticated",
            403: "admins only",
            404: "unknown municipality",
            422: "unknown theme",
        }
    ),
)
def set_focus_themes(
    slug: str,
    year: Annotated[int, Path(ge=2000, le=2100)],
    data: FocusThemesUpdate,
    session: SessionDep,
    user: AdminUser,
) -> FocusThemesRead:
    """The city's focus themes for an agenda year (a small, explained ranking
    boost for candidates on them). Admins only."""
    themes = service.set_focus_themes(session, slug, year, data.themes, actor=user)
    return FocusThemesRead(municipality=slug, year=year, themes=themes)
