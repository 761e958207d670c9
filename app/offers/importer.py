"""Import many offers from one CSV file: every row valid, or nothing is written.

Format (documented for users on /aanbod/import, template at
/aanbod/import/sjabloon.csv):
- Read as `app.csvimport` reads a spreadsheet's CSV (UTF-8, `;` or `,`, blank
  lines above the header skipped, at most MAX_BYTES).
- First line with text: column names from COLUMNS, each once, in any order;
  `kind`, `title`, `description` and `capacity` are required.
- Lists (`themes`, `neighbourhoods`) separate their items with `|`.
- Dates as 2027-02-01 (also 1-2-2027 as Dutch spreadsheets write them).
- At most MAX_ROWS offers per file.

Each row passes through OfferCreate and the same service logic as a single offer
(stage_offer); errors are collected for all rows, keyed "row N.column" where N is
the row number a spreadsheet shows (the header is row 1, or lower below blank
lines). A row that registers an offer again (the institution already has one of
that kind, title and period, or an earlier row does) is an error too, so a file
uploaded twice adds nothing. One commit at the end.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.config import Settings
from app.csvimport import read_records
from app.db import serialise
from app.errors import AppError, InvalidFields
from app.models import Offer, User
from app.offers import repository, service
from app.offers.errors import (
    BadHeader,
    CellsBeyondHeader,
    ImportRejected,
    NoRows,
    OfferExists,
    RepeatedRow,
    RowError,
    TooManyRows,
)
from app.offers.schemas import OfferCreate
from app.vocab import service as vocab

MAX_ROWS = 500
MAX_REPORTED_ERRORS = 200
LIST_SEPARATOR = "|"

COLUMNS: tuple[str, ...] = (
    "kind",
    "title",
    "description",
    "capacity",
    "level",
    "available_from",
    "available_until",
    "intake_deadline",
    "language",
    "themes",
    "neighbourhoods",
    "contact_name",
    "contact_email",
    "status",
    "institution",
    "municipality",
    "municipalities",
)
REQUIRED: tuple[str, ...] = ("kind", "title", "description", "capacity")
_LIST_COLUMNS = frozenset({"themes", "neighbourhoods", "municipalities"})
_DATE_COLUMNS = frozenset({"available_from", "available_until", "intake_deadline"})
_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")

TEMPLATE_ROWS: tuple[dict[str, str], ...] = (
    {
        "kind": "course",
        "title": "Minor Sociale Innovatie: praktijkopdracht",
        "description": "Groepen van vier hbo-studenten werken 20 weken aan een vraag van de gemeente.",
        "capacity": "3",
        "level": "hbo",
        "available_from": "2027-02-01",
        "available_until": "2027-06-30",
        "language": "nl",
        "themes": "sociaal-domein|gezondheid-welzijn",
        "neighbourhoods": "",
        "contact_name": "Docent Minor",
        "contact_email": "minor@hogeschool.example",
    },
    {
        "kind": "thesis",
        "title": "Afstudeerplaatsen Stedelijke Ecologie",
        "description": "MSc students write their thesis on urban greening and heat stress.",
        "capacity": "2",
        "available_from": "2027-02-01",
        "available_until": "2027-08-31",
        "language": "en",
        "themes": "duurzaamheid-biodiversiteit",
        "neighbourhoods": "Merenwijk|Stevenshof",
    },
)


def template_csv() -> str:
    """A filled-in example file with every column, `;`-separated as Dutch Excel writes."""
    out = io.StringIO()
    writer = csv.DictWriter(
        out, fieldnames=COLUMNS, delimiter=";", lineterminator="\r\n"
    )
    writer.writeheader()
    for row in TEMPLATE_ROWS:
        writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return out.getvalue()


def _check_header(header: list[str]) -> None:
    unknown = [h for h in header if h and h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if unknown or missing or repeated:
        raise BadHeader(
            unknown=unknown, missing=missing, repeated=repeated, columns=COLUMNS
        )


def read_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The file's non-empty rows as (row number, {column: text}); 413/422 on bad files."""
    records, header_row = read_records(data)
    header = [h.strip().lower() for h in records[0]]
    _check_header(header)
    numbered = [
        (number, cells)
        for number, cells in enumerate(records[1:], start=header_row + 1)
        if any(cell.strip() for cell in cells)
    ]
    if not numbered:
        raise NoRows()
    if len(numbered) > MAX_ROWS:
        raise TooManyRows(len(numbered), MAX_ROWS)
    overfull: list[RowError] = []
    for number, cells in numbered:
        if any(cell.strip() for cell in cells[len(header) :]):
            error = CellsBeyondHeader(len(header), len(cells))
            overfull.append(
                RowError(row=number, column="", message=str(error), error=error)
            )
    if overfull:
        raise ImportRejected(
            rows=len(numbered), row_errors=overfull, max_reported=MAX_REPORTED_ERRORS
        )
    return [
        (number, {h: cell.strip() for h, cell in zip(header, cells, strict=False) if h})
        for number, cells in numbered
    ]


def _value(column: str, text: str) -> Any:
    if column in _LIST_COLUMNS:
        return [item.strip() for item in text.split(LIST_SEPARATOR) if item.strip()]
    if column in _DATE_COLUMNS and (dutch := _DUTCH_DATE.match(text)):
        day, month, year = dutch.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return text


def _row_input(cells: Mapping[str, str]) -> dict[str, Any]:
    return {c: _value(c, text) for c, text in cells.items() if text != ""}


def _validation_errors(row: int, exc: ValidationError) -> list[RowError]:
    errors = []
    for err in exc.errors():
        loc = err.get("loc", ())
        column = str(loc[0]) if loc else ""
        if not column:  # the window check names its field in the message
            column = "available_until" if "available_until" in err["msg"] else ""
        errors.append(
            RowError(
                row=row,
                column=column,
                message=str(err["msg"]).removeprefix("Value error, "),
                code=str(err["type"]),
                ctx={k: str(v) for k, v in (err.get("ctx") or {}).items()},
            )
        )
    return errors


def _service_errors(row: int, exc: AppError) -> list[RowError]:
    parts = exc.errors if isinstance(exc, InvalidFields) else [exc]
    return [
        RowError(row=row, column=column, message=message, error=part)
        for part in parts
        for column, message in (part.fields or {"": part.detail}).items()
    ]


def _more_problems(
    session: Session,
    row: int,
    fields: dict[str, Any],
    actor: User,
    found: list[RowError],
) -> list[RowError]:
    """A row's vocabulary and date errors that its schema error stopped short of:
    every error of the row in one round, one per column."""
    municipality_id = actor.municipality_id
    if fields.get("municipality"):
        try:
            municipality_id = vocab.resolve_municipality(
                session, str(fields["municipality"])
            ).id
        except AppError:
            municipality_id = None  # named by the service once the row is valid
    seen = {e.column for e in found}
    problems = service.field_problems(session, municipality_id, fields)
    return [
        e
        for part in problems
        for e in _service_errors(row, part)
        if e.column not in seen
    ]


def _key(offer: Offer) -> tuple[object, ...]:
    """What makes two offers the same: institution, kind, title and period."""
    title = " ".join(offer.title.split()).casefold()
    return (
        offer.institution_id,
        offer.kind,
        title,
        offer.available_from,
        offer.available_until,
    )


def _duplicates(session: Session, staged: list[tuple[int, Offer]]) -> list[RowError]:
    """Rows that register an offer again: one the institution already has (a file
    imported twice), or one an earlier row of the file registers.

    Imports for an institution run one at a time from here on, so two uploads of
    the same file at once cannot both pass.
    """
    institutions = sorted({o.institution_id for _, o in staged}, key=str)
    for institution_id in institutions:
        serialise(session, f"offer-import:{institution_id}")
    new = {id(o) for _, o in staged}
    existing = {
        _key(o)
        for o in repository.of_institutions(session, institutions)
        if id(o) not in new
    }
    first_row: dict[tuple[object, ...], int] = {}
    found: list[RowError] = []
    for number, offer in staged:
        key = _key(offer)
        error: AppError | None = None
        if key in existing:
            error = OfferExists(offer.title)
        elif key in first_row:
            error = RepeatedRow(first_row[key])
        else:
            first_row[key] = number
        if error is not None:
            found.extend(_service_errors(number, error))
    return found


def import_offers(
    session: Session, data: bytes, *, actor: User, settings: Settings
) -> list[Offer]:
    """Register every offer in the CSV file, or none when any row has an error."""
    rows = read_rows(data)
    errors: list[RowError] = []
    offers: list[Offer] = []
    staged: list[tuple[int, Offer]] = []
    for number, cells in rows:
        fields = _row_input(cells)
        try:
            create = OfferCreate.model_validate(fields)
        except ValidationError as exc:
            found = _validation_errors(number, exc)
            errors += found + _more_problems(session, number, fields, actor, found)
            continue
        try:
            offer = service.stage_offer(session, create, actor=actor, settings=settings)
        except AppError as exc:
            errors.extend(_service_errors(number, exc))
            continue
        offers.append(offer)
        staged.append((number, offer))
    errors += _duplicates(session, staged)
    if errors:
        session.rollback()
        raise ImportRejected(
            rows=len(rows), row_errors=errors, max_reported=MAX_REPORTED_ERRORS
        )
    session.commit()
    return offers
