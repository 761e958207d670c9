"""Public vocabularies: themes, neighbourhoods (with buurt aliases), institutions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from app.deps import SessionDep
from app.errors import error_responses
from app.vocab import repository, service
from app.vocab.schemas import InstitutionRead, NeighbourhoodRead, ThemeRead

router = APIRouter(prefix="/api", tags=["vocabulary"])


@router.get("/themes")
def list_themes(session: SessionDep) -> list[ThemeRead]:
    """The theme vocabulary with Dutch and English labels. Anyone may call this."""
    return [ThemeRead.model_validate(t) for t in repository.list_themes(session)]


@router.get(
    "/neighbourhoods",
    responses=error_responses({422: "unknown municipality or too long a value"}),
)
def list_neighbourhoods(
    session: SessionDep,
    municipality: Annotated[str | None, Query(max_length=60)] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=120, description="A district or buurt name; resolves aliases."
        ),
    ] = None,
) -> list[NeighbourhoodRead]:
    """Districts, optionally of one municipality; `q` resolves a buurt name such as
    "Slaaghwijk" to its district. Anyone may call this."""
    municipality_id = None
    if municipality is not None:
        municipality_id = service.resolve_municipality(session, municipality).id
    hoods = repository.list_neighbourhoods(session, municipality_id)
    if q is not None:
        hit = service.match_neighbourhood(hoods, q)
        hoods = [hit] if hit else []
    return [NeighbourhoodRead.model_validate(h) for h in hoods]


@router.get("/institutions")
def list_institutions(session: SessionDep) -> list[InstitutionRead]:
    """Knowledge institutions with their education level. Anyone may call this."""
    return [
        InstitutionRead.model_validate(i) for i in repository.list_institutions(session)
    ]
