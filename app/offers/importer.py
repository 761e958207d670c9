"""Import many offers from one CSV file: every row valid, or nothing is written.

Format (documented for users on /aanbod/import, template at
/aanbod/import/sjabloon.csv):
- UTF-8, with or without a byte-order mark; `;` or `,` between cells (whichever
  the header uses more).
- First line: column names from COLUMNS, each once, in any order; `kind`, `title`,
  `description` and `capacity` are required.
- Lists (`themes`, `neighbourhoods`) separate their items with `|`.
- Dates as 2027-02-01 (also 1-2-2027 as Dutch spreadsheets write them).
- At most MAX_ROWS offers and MAX_BYTES bytes per file.

Each row passes through OfferCreate and the same service logic as a single offer
(stage_offer); errors are collected for all rows, keyed "row N.column" where N is
the line number a spreadsheet shows (the header is row 1). One commit at the end.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.config import Settings
from app.errors import AppError, PayloadTooLargeError, UnprocessableError
from app.models import Offer, User
from app.offers import service
from app.offers.schemas import OfferCreate

MAX_BYTES = 1_000_000
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
)
REQUIRED: tuple[str, ...] = ("kind", "title", "description", "capacity")
_LIST_COLUMNS = frozenset({"themes", "neighbourhoods"})
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


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one row; `code` is the pydantic error type or "service"."""

    row: int
    column: str
    message: str
    code: str = "service"
    ctx: Mapping[str, Any] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"row {self.row}.{self.column}" if self.column else f"row {self.row}"


class ImportRejectedError(UnprocessableError):
    """The file has errors; nothing was written. `row_errors` lists them all."""

    def __init__(self, detail: str, row_errors: list[RowError]) -> None:
        shown = row_errors[:MAX_REPORTED_ERRORS]
        super().__init__(detail, fields={e.key: e.message for e in shown})
        self.row_errors = shown
        self.total_errors = len(row_errors)


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


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise PayloadTooLargeError(
            f"the file is larger than {MAX_BYTES // 1_000_000} MB; split it into smaller files"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnprocessableError(
            "the file is not UTF-8 text; save it as 'CSV UTF-8'",
            fields={"file": "not UTF-8"},
        ) from exc
    if "\x00" in text:
        # Spreadsheet binaries have them; PostgreSQL cannot store them in text.
        raise UnprocessableError(
            "the file contains NUL characters, so it is not CSV text; "
            "save it as 'CSV UTF-8'",
            fields={"file": "contains NUL characters"},
        )
    return text


MAX_HEADER_CHARS = 2_000  # the longest real header (every column) is ~200


def _header_line(text: str) -> str:
    """The first line, refused when it is too long to be a header of column names.

    Bounded before any parsing: csv.Sniffer's regular expressions take quadratic
    time on a crafted line (a 96 KB header took 40 s), which would block the
    process for everyone.
    """
    end = text.find("\n", 0, MAX_HEADER_CHARS + 1)
    if end == -1 and len(text) > MAX_HEADER_CHARS:
        raise UnprocessableError(
            f"the first line is longer than {MAX_HEADER_CHARS} characters; "
            "it must hold the column names",
            fields={"header": f"longer than {MAX_HEADER_CHARS} characters"},
        )
    return text if end == -1 else text[:end]


def _delimiter(header: str) -> str:
    """`;` or `,`: whichever separates more cells of the header (outside quotes)."""
    counts = {";": 0, ",": 0}
    quoted = False
    for char in header:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return ";" if counts[";"] >= counts[","] else ","


def _check_header(header: list[str]) -> None:
    unknown = [h for h in header if h and h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    problems = [f"unknown column {h!r}" for h in unknown[:10]]
    if len(unknown) > 10:
        problems.append(f"and {len(unknown) - 10} more unknown columns")
    problems += [f"missing column {c!r}" for c in missing]
    problems += [f"column {h!r} appears more than once" for h in repeated]
    if problems:
        raise UnprocessableError(
            "; ".join(problems) + f"; columns: {', '.join(COLUMNS)}",
            fields={"header": "; ".join(problems)},
        )


def read_rows(data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The file's non-empty rows as (row number, {column: text}); 413/422 on bad files."""
    text = _decode(data)
    if not text.strip():
        raise UnprocessableError("the file is empty", fields={"file": "empty"})
    delimiter = _delimiter(_header_line(text))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = list(reader)
    except csv.Error as exc:
        raise UnprocessableError(
            f"the file is not valid CSV: {exc}", fields={"file": "not valid CSV"}
        ) from exc
    header = [h.strip().lower() for h in records[0]]
    _check_header(header)
    rows = [
        (number, {h: cell.strip() for h, cell in zip(header, cells, strict=False) if h})
        for number, cells in enumerate(records[1:], start=2)
        if any(cell.strip() for cell in cells)
    ]
    if not rows:
        raise UnprocessableError(
            "the file has no offers below the header", fields={"file": "no rows"}
        )
    if len(rows) > MAX_ROWS:
        raise UnprocessableError(
            f"the file has {len(rows)} offers; at most {MAX_ROWS} per import",
            fields={"file": f"more than {MAX_ROWS} rows"},
        )
    return rows


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
    if not exc.fields:
        return [RowError(row=row, column="", message=exc.detail)]
    return [RowError(row=row, column=c, message=m) for c, m in exc.fields.items()]


def import_offers(
    session: Session, data: bytes, *, actor: User, settings: Settings
) -> list[Offer]:
    """Register every offer in the CSV file, or none when any row has an error."""
    rows = read_rows(data)
    errors: list[RowError] = []
    offers: list[Offer] = []
    for number, cells in rows:
        try:
            create = OfferCreate.model_validate(_row_input(cells))
        except ValidationError as exc:
            errors.extend(_validation_errors(number, exc))
            continue
        try:
            offers.append(
                service.stage_offer(session, create, actor=actor, settings=settings)
            )
        except AppError as exc:
            errors.extend(_service_errors(number, exc))
    if errors:
        session.rollback()
        rows_with_errors = len({e.row for e in errors})
        raise ImportRejectedError(
            f"{rows_with_errors} of {len(rows)} rows have errors; nothing was imported",
            errors,
        )
    session.commit()
    return offers
