"""Shapes shared by several domains, and the validation errors they raise.

Every error a validator here raises has its own pydantic error type
(`PydanticCustomError`), so the pages translate by type, never by message.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
)
from pydantic_core import PydanticCustomError

T = TypeVar("T")

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date_only(value: object) -> object:
    # pydantic's lax date also takes Unix timestamps (0 -> 1970-01-01, in a query
    # "0" too) and midnight datetimes; an API date is YYYY-MM-DD and nothing else.
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    if isinstance(value, date):
        return value
    raise PydanticCustomError("date_format", "use a date written as YYYY-MM-DD")


# Far enough for any question, course or report period, and far from date.min and
# date.max: a day's midnight in Amsterdam, or the day after a period, must still be a
# valid datetime (0001-01-01 in Amsterdam is before datetime.min in UTC).
MIN_DATE = date(1900, 1, 1)
MAX_DATE = date(2999, 12, 31)


def _in_range(value: date) -> date:
    if not MIN_DATE <= value <= MAX_DATE:
        raise PydanticCustomError(
            "date_range",
            "use a date from {min} to {max}",
            {"min": MIN_DATE.isoformat(), "max": MAX_DATE.isoformat()},
        )
    return value


def day_in_range(text: str) -> date:
    """`text` as a date the API would accept (YYYY-MM-DD, 1900 to 2999), for pages
    that read dates leniently; ValueError otherwise."""
    value = date.fromisoformat(text)
    if not MIN_DATE <= value <= MAX_DATE:
        raise ValueError(f"{text} is outside {MIN_DATE} to {MAX_DATE}")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date_only), AfterValidator(_in_range)]
"""A calendar date as the API accepts it: YYYY-MM-DD, from 1900 to 2999."""


def require_visible(value: str | None) -> str | None:
    """A field validator for titles and names (`field_validator(...)(require_visible)`).

    Used as a field validator, not an Annotated type, so that the field's own length
    constraints keep their usual error types.
    """
    # Zero-width spaces, direction marks, control characters or combining marks
    # alone pass a length check but show nothing: such a title names nothing.
    if value and all(unicodedata.category(c)[0] in "CZM" for c in value):
        raise PydanticCustomError(
            "invisible_text",
            "must contain visible characters, not only spaces, invisible or "
            "control characters",
        )
    return value


def window_reversed(start_field: str, end_field: str) -> PydanticCustomError:
    """The model-level error of an end date before its start date."""
    return PydanticCustomError(
        "window_reversed",
        "{end} must not be before {start}",
        {"start": start_field, "end": end_field},
    )


def _email(value: object, handler: ValidatorFunctionWrapHandler) -> object:
    try:
        return handler(value)
    except ValidationError:
        raise PydanticCustomError(
            "email", "enter a valid e-mail address, such as name@example.org"
        ) from None


Email = Annotated[EmailStr, WrapValidator(_email)]
"""An e-mail address; invalid ones fail with the error type `email`."""


ReadVersion = Annotated[
    int | None,
    Field(
        ge=1,
        le=2_147_483_647,
        description=(
            "The `version` you read. Send it so an edit someone saved in between "
            "is not overwritten: then the answer is 409 `EditedMeanwhile`."
        ),
    ),
]
"""The edit version a PATCH is based on (optional; see `EditVersionMixin`)."""


class ORMRead(BaseModel):
    """A response shape read straight from ORM objects (`model_validate(row)`)."""

    model_config = ConfigDict(from_attributes=True)


def _slug(value: Any) -> Any:
    return getattr(value, "slug", value)


def _slugs(values: Any) -> Any:
    return [_slug(v) for v in values] if values is not None else values


def _as_list(values: Any) -> Any:
    # An association proxy (Question.levels) is a sequence, not a list.
    return (
        list(values) if values is not None and not isinstance(values, str) else values
    )


SlugOf = Annotated[str, BeforeValidator(_slug)]
"""A vocabulary row (municipality, theme, neighbourhood) shown as its slug."""
SlugsOf = Annotated[list[str], BeforeValidator(_slugs)]
ListOf = Annotated[list[str], BeforeValidator(_as_list)]

LimitQuery = Annotated[int, Query(ge=1, le=100, description="Page size (1-100).")]
OffsetQuery = Annotated[int, Query(ge=0, le=1_000_000, description="Rows to skip.")]


class Page(BaseModel, Generic[T]):
    """One page of a list, with the total number of matching rows."""

    items: list[T]
    total: int
    limit: int
    offset: int
