"""CSV downloads that open cleanly in a spreadsheet.

UTF-8 with a byte-order mark, so Excel reads "Zoë" and "café" as written, and `;`
between the columns as Dutch Excel expects (as the offer import template); cells that a
spreadsheet would run as a formula are defused (OWASP "CSV injection"), because some
exported text (student interests) comes from anonymous visitors.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Literal
from urllib.parse import quote

from fastapi.responses import Response

Separator = Literal["comma", "semicolon"]
_DELIMITERS: dict[str, str] = {"comma": ",", "semicolon": ";"}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

Cell = str | int | float | date | datetime | None


def cell(value: Cell) -> str | int | float:
    """One cell: dates as ISO text, None as empty, risky text prefixed with a quote."""
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def to_csv(
    header: Sequence[str],
    rows: Iterable[Sequence[Cell]],
    *,
    separator: Separator = "semicolon",
) -> str:
    """The CSV text (without BOM): a header row, then one line per row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=_DELIMITERS[separator], lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def csv_response(text: str, filename: str) -> Response:
    """A download response: BOM + UTF-8, with an ASCII and a UTF-8 file name."""
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "")
    disposition = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return Response(
        content=("\ufeff" + text).encode("utf-8"),
        media_type="text/csv; charset=utf-8",
        # Exports may hold personal data (students' interests): never cached.
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )
