"""Refusals of the offer use cases and of the CSV import."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.errors import (
    AppError,
    ConflictError,
    FieldError,
    NotFoundError,
    PayloadTooLargeError,
    PermissionDeniedError,
    UnprocessableError,
)


class OfferNotFound(NotFoundError):
    """Also for an offer of another institution or city: its existence is private."""

    def __init__(self) -> None:
        super().__init__("offer not found")


class NoInstitution(PermissionDeniedError):
    def __init__(self) -> None:
        super().__init__("your account is not linked to an institution")


class OtherInstitution(PermissionDeniedError):
    def __init__(self) -> None:
        super().__init__("providers register offers for their own institution only")


class OtherCity(PermissionDeniedError):
    def __init__(self) -> None:
        super().__init__("brokers register offers for their own city only")


class HomeCityOnly(PermissionDeniedError):
    """A broker of a city an offer also serves uses it, but may not change it:
    the home city and other served cities rely on it as it is."""

    def __init__(self, home_city: str) -> None:
        super().__init__(
            f"only the provider or a broker of the offer's home city ({home_city}) "
            "changes this offer"
        )
        self.home_city = home_city


class ServedCitiesByProvider(FieldError):
    """A broker may not change which cities an offer serves: other cities rely on it."""

    def __init__(self) -> None:
        super().__init__(
            "only the offer's provider changes the cities it serves",
            field="municipalities",
            field_message="set by the offer's provider only",
        )


class InstitutionRequired(FieldError):
    def __init__(self) -> None:
        super().__init__(
            "institution is required",
            field="institution",
            field_message="required for brokers",
        )


class IntakeAfterStart(FieldError):
    """The last day to join lies after the offer starts: no question could use it."""

    def __init__(self) -> None:
        super().__init__(
            "intake_deadline is after available_from",
            field="intake_deadline",
            field_message="must not be after available_from",
        )


class WindowEnded(FieldError):
    """An edit would leave a yearly offer's window over: its places would count as
    those of a next edition, free again, while the current edition's are taken.
    Usually a form read before the offer came round to its new year."""

    def __init__(self, *, current_from: date | None, current_until: date) -> None:
        super().__init__(
            "a yearly offer's window is that of its current edition "
            f"(now until {current_until.isoformat()}); it cannot have ended",
            field="available_until",
            field_message="must not have ended for a yearly offer",
        )
        self.current_from = current_from
        self.current_until = current_until


class NoPlaces(FieldError):
    """A new offer on the page needs a place (the API keeps 0 for full offers)."""

    def __init__(self) -> None:
        super().__init__(
            "a new offer needs at least one place",
            field="capacity",
            field_message="at least 1",
        )


class CapacityBelowTaken(ConflictError):
    """Capacity may not drop below the places taken now (409: it depends on state)."""

    field = "capacity"

    def __init__(self, taken: int) -> None:
        super().__init__(
            f"capacity cannot drop below the {taken} place(s) already taken",
            fields={"capacity": f"at least {taken}"},
        )
        self.taken = taken


# -- the CSV import -----------------------------------------------------------------
class FileTooLarge(PayloadTooLargeError):
    def __init__(self, max_bytes: int) -> None:
        super().__init__(
            f"the file is larger than {max_bytes // 1_000_000} MB; "
            "split it into smaller files"
        )
        self.max_megabytes = max_bytes // 1_000_000


class FileProblem(FieldError):
    """The file as a whole cannot be read as offers."""

    def __init__(self, detail: str, field_message: str) -> None:
        super().__init__(detail, field="file", field_message=field_message)


class NotUtf8(FileProblem):
    def __init__(self) -> None:
        super().__init__(
            "the file is not UTF-8 text; save it as 'CSV UTF-8'", "not UTF-8"
        )


class HasNulCharacters(FileProblem):
    def __init__(self) -> None:
        super().__init__(
            "the file contains NUL characters, so it is not CSV text; "
            "save it as 'CSV UTF-8'",
            "contains NUL characters",
        )


class EmptyFile(FileProblem):
    def __init__(self) -> None:
        super().__init__("the file is empty", "empty")


class NotCsv(FileProblem):
    def __init__(self, reason: str) -> None:
        super().__init__(f"the file is not valid CSV: {reason}", "not valid CSV")


class NoRows(FileProblem):
    def __init__(self) -> None:
        super().__init__("the file has no offers below the header", "no rows")


class TooManyRows(FileProblem):
    def __init__(self, rows: int, max_rows: int) -> None:
        super().__init__(
            f"the file has {rows} offers; at most {max_rows} per import",
            f"more than {max_rows} rows",
        )
        self.rows = rows
        self.max_rows = max_rows


class HeaderTooLong(FieldError):
    def __init__(self, max_chars: int) -> None:
        super().__init__(
            f"the first line is longer than {max_chars} characters; "
            "it must hold the column names",
            field="header",
            field_message=f"longer than {max_chars} characters",
        )
        self.max_chars = max_chars


class BadHeader(FieldError):
    """Unknown, missing or repeated column names (the first ten unknown ones)."""

    def __init__(
        self,
        *,
        unknown: Sequence[str],
        missing: Sequence[str],
        repeated: Sequence[str],
        columns: Sequence[str],
    ) -> None:
        problems = [f"unknown column {h!r}" for h in unknown[:10]]
        if len(unknown) > 10:
            problems.append(f"and {len(unknown) - 10} more unknown columns")
        problems += [f"missing column {c!r}" for c in missing]
        problems += [f"column {h!r} appears more than once" for h in repeated]
        text = "; ".join(problems)
        super().__init__(
            text + f"; columns: {', '.join(columns)}",
            field="header",
            field_message=text,
        )
        self.unknown = list(unknown)
        self.missing = list(missing)
        self.repeated = list(repeated)


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in one row of an import.

    `code` is the pydantic error type (with its `ctx`), or "service" when `error`
    holds the service's typed refusal; `message` is the English text for the API.
    """

    row: int
    column: str
    message: str
    code: str = "service"
    ctx: Mapping[str, Any] = field(default_factory=dict)
    error: AppError | None = None

    @property
    def key(self) -> str:
        return f"row {self.row}.{self.column}" if self.column else f"row {self.row}"


class OfferExists(FieldError):
    """The row registers an offer the institution already has (same kind, title
    and period): usually a file imported a second time."""

    def __init__(self, title: str) -> None:
        super().__init__(
            f"'{title}' is already registered for this institution with the same "
            "kind and period; remove the row, or edit that offer",
            field="title",
            field_message="already registered (same institution, kind, title and period)",
        )
        self.title = title


class RepeatedRow(FieldError):
    """Two rows of one file register the same offer."""

    def __init__(self, first_row: int) -> None:
        super().__init__(
            f"the same offer as row {first_row} (kind, title and period)",
            field="title",
            field_message=f"the same offer as row {first_row}",
        )
        self.first_row = first_row


class CellsBeyondHeader(UnprocessableError):
    """A row has more filled cells than the header has columns: usually a comma or
    semicolon inside an unquoted text, which would silently cut that text."""

    def __init__(self, columns: int, cells: int) -> None:
        super().__init__(
            f"the row has {cells} cells but the header only {columns} columns; "
            "put text containing the delimiter between double quotes"
        )
        self.columns = columns
        self.cells = cells


class ImportRejected(UnprocessableError):
    """Rows have errors; nothing was written. `row_errors` lists them (capped)."""

    kind = "ImportRejectedError"

    def __init__(
        self, *, rows: int, row_errors: Sequence[RowError], max_reported: int
    ) -> None:
        shown = list(row_errors[:max_reported])
        bad_rows = len({e.row for e in row_errors})
        super().__init__(
            f"{bad_rows} of {rows} rows have errors; nothing was imported",
            fields={e.key: e.message for e in shown},
        )
        self.row_errors = shown
        self.total_errors = len(row_errors)
