"""CSV import of many offers over HTTP."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile, status
from pydantic import BaseModel
from starlette.datastructures import UploadFile as StarletteUploadFile

from app.csvimport import MAX_BYTES
from app.deps import OfferUser, SessionDep, SettingsDep
from app.errors import error_responses
from app.offers import importer
from app.offers.errors import FileTooLarge
from app.offers.schemas import OfferRead

router = APIRouter(prefix="/api/offers", tags=["offers"])


class ImportRead(BaseModel):
    created: int
    offers: list[OfferRead]


@router.post(
    "/import",
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        {
            401: "not authenticated",
            403: "wrong role",
            413: f"file larger than {MAX_BYTES} bytes",
            422: 'errors by row, e.g. {"fields": {"row 3.capacity": "..."}}; '
            "nothing was imported",
        }
    ),
)
def import_offers(
    file: Annotated[UploadFile, File(description="CSV, UTF-8, ';' or ','")],
    session: SessionDep,
    user: OfferUser,
    settings: SettingsDep,
) -> ImportRead:
    """Register many offers from a CSV file: all rows or none. Provider or broker.

    Columns: kind, title, description, capacity (required), level, available_from,
    available_until, intake_deadline, language, themes and neighbourhoods (items
    separated by '|'), contact_name, contact_email, status, institution (brokers),
    municipality. Blank lines above the header are skipped. Rows are numbered as
    in a spreadsheet (the header is row 1, or lower below blank lines). A row that
    registers an offer again (the institution has one of that kind, title and
    period, or an earlier row does) is an error, so a file sent twice adds nothing.
    """
    data = read_upload(file)
    offers = importer.import_offers(session, data, actor=user, settings=settings)
    return ImportRead(
        created=len(offers), offers=[OfferRead.model_validate(o) for o in offers]
    )


def read_upload(file: StarletteUploadFile) -> bytes:
    """The upload's bytes; 413 as soon as it passes the cap (never read it all)."""
    data = file.file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileTooLarge(MAX_BYTES)
    return data
