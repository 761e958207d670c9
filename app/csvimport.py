"""Reading an uploaded CSV file as spreadsheets save it; shared by the offer import
and the city onboarding import.

- UTF-8, with or without a byte-order mark; no NUL bytes; at most MAX_BYTES.
- Blank lines above the header (empty, or only separators and spaces, as a
  spreadsheet saves empty rows) are skipped; row numbers stay those the
  spreadsheet shows.
- `;` or `,` between cells: whichever the header uses more (outside quotes).
"""

from __future__ import annotations

import csv
import io
import re

from app.offers.errors import (
    EmptyFile,
    FileTooLarge,
    HasNulCharacters,
    HeaderTooLong,
    NotCsv,
    NotUtf8,
)

MAX_BYTES = 1_000_000
MAX_HEADER_CHARS = 2_000  # the longest real header (every offer column) is ~200

# A line with nothing but separators and spaces: an empty spreadsheet row.
_BLANK_LINE = re.compile(r"(?:[;,]|[^\S\n])*(?:\n|\Z)")


def read_records(data: bytes) -> tuple[list[list[str]], int]:
    """The file's records, the header first, and the header's row number (1 unless
    blank lines came before it); 413/422 on a file that is no such CSV."""
    text, skipped = _after_blank_lines(_decode(data))
    if not text:
        raise EmptyFile()
    delimiter = _delimiter(_header_line(text))
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise NotCsv(str(exc)) from exc
    return records, skipped + 1


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise FileTooLarge(MAX_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotUtf8() from exc
    if "\x00" in text:
        # Spreadsheet binaries have them; PostgreSQL cannot store them in text.
        raise HasNulCharacters()
    return text


def _after_blank_lines(text: str) -> tuple[str, int]:
    """The text from its first line with content on, and how many lines came before."""
    start = skipped = 0
    while start < len(text) and (blank := _BLANK_LINE.match(text, start)):
        start, skipped = blank.end(), skipped + 1
    return text[start:], skipped


def _header_line(text: str) -> str:
    """The first line, refused when it is too long to be a header of column names.

    Bounded before any parsing: csv.Sniffer's regular expressions take quadratic
    time on a crafted line (a 96 KB header took 40 s), which would block the
    process for everyone.
    """
    end = text.find("\n", 0, MAX_HEADER_CHARS + 1)
    if end == -1 and len(text) > MAX_HEADER_CHARS:
        raise HeaderTooLong(MAX_HEADER_CHARS)
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
