"""Form handling shared by the pages: submitted values, Dutch error messages.

Pages validate through the same pydantic schemas and services as the API; this
module only turns a posted form into the schema's input and puts the errors
(in Dutch, from app/web/core/messages.py) next to the right field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.errors import AppError, FieldError, InvalidFields
from app.web.core import messages

FormValue = str | list[str]
T = TypeVar("T")


@dataclass
class FormState:
    """What the user typed (re-shown on an error, nothing lost) and the errors."""

    data: dict[str, FormValue] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        raw = self.data.get(name, "")
        return raw[0] if isinstance(raw, list) and raw else str(raw or "")

    def values(self, name: str) -> list[str]:
        raw = self.data.get(name, [])
        return list(raw) if isinstance(raw, list) else [raw] if raw else []

    def error(self, name: str) -> str:
        return self.errors.get(name, "")

    def label(self, name: str) -> str:
        return self.labels.get(name, name)


def read_form(
    form: FormData, *, lists: Iterable[str] = (), skip: Iterable[str] = ()
) -> dict[str, FormValue]:
    """Text fields as stripped strings, `lists` (checkbox groups) as lists."""
    list_names = set(lists)
    ignored = {"csrf_token", "action", *skip}
    data: dict[str, FormValue] = {}
    for name in {*form.keys(), *list_names}:
        if name in ignored:
            continue
        if name in list_names:
            data[name] = [v.strip() for v in form.getlist(name) if isinstance(v, str)]
        else:
            value = form.get(name)
            data[name] = value.strip() if isinstance(value, str) else ""
    return data


def payload(
    data: Mapping[str, FormValue], *, booleans: Iterable[str] = ()
) -> dict[str, Any]:
    """Schema input: empty text fields left out (None), checkboxes as booleans."""
    out: dict[str, Any] = {}
    for name, value in data.items():
        if name not in booleans and (isinstance(value, list) or value != ""):
            out[name] = value
    for name in booleans:
        out[name] = bool(data.get(name))
    return out


def save_form(
    session: Session,
    state: FormState,
    save: Callable[[], T],
    choices: Mapping[str, Iterable[str]] | None = None,
) -> T | None:
    """Validate and save; on a refusal, roll back and put the errors on the form.

    `choices`: the Dutch labels of a choice field's values, named when the value
    is not one of them.
    """
    try:
        return save()
    except ValidationError as exc:
        state.errors = messages.validation_errors(exc, choices)
    except AppError as exc:
        session.rollback()
        state.errors = messages.field_errors(exc, state.labels)
    return None


def add_problems(state: FormState, problems: Sequence[FieldError]) -> None:
    """After a refusal, also name the errors the refusal stopped short of (a schema
    error hides the vocabulary and date checks): every error in one round."""
    if problems:
        found = messages.field_errors(InvalidFields(problems), state.labels)
        for name, text in found.items():
            if name != "form":
                state.errors.setdefault(name, text)
