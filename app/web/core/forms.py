"""Form handling shared by the pages: submitted values, Dutch error messages.

Pages validate through the same pydantic schemas and services as the API; this
module only turns a posted form into the schema's input and the errors back into
Dutch messages next to the right field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from app.codes import MatchStatus, QuestionStatus, labels
from app.errors import AppError

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


def _limit(ctx: Mapping[str, Any], key: str) -> str:
    return str(ctx.get(key, ""))


def dutch_validation_message(error: Mapping[str, Any]) -> str:
    """One pydantic error in Dutch, by its type (the English text is never shown)."""
    kind = str(error.get("type", ""))
    ctx: Mapping[str, Any] = error.get("ctx") or {}
    message = str(error.get("msg", ""))
    if kind == "missing":
        return "Vul dit veld in."
    if kind == "string_too_short":
        if _limit(ctx, "min_length") == "1":
            return "Vul dit veld in."
        return f"Gebruik minstens {_limit(ctx, 'min_length')} tekens."
    if kind == "string_too_long":
        return f"Gebruik hoogstens {_limit(ctx, 'max_length')} tekens."
    if kind == "too_long":
        return f"Kies hoogstens {_limit(ctx, 'max_length')}."
    if kind.startswith("date") or kind.startswith("datetime"):
        return "Vul een geldige datum in (dag-maand-jaar)."
    if kind == "value_error" and "use a date" in message:
        return "Vul een geldige datum in, tussen 1900 en 2999."
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "Vul een heel getal in."
    if kind == "greater_than_equal":
        return f"Vul een getal van minstens {_limit(ctx, 'ge')} in."
    if kind == "less_than_equal":
        return f"Vul een getal van hoogstens {_limit(ctx, 'le')} in."
    if kind in ("literal_error", "enum"):
        return "Kies een van de mogelijkheden."
    if kind == "value_error" and "email" in message.lower():
        return "Vul een geldig e-mailadres in, zoals naam@voorbeeld.nl."
    if kind in ("url_parsing", "url_scheme", "url_type"):
        return "Vul een geldig webadres in, beginnend met https://."
    if "before" in message:
        return "De einddatum ligt vóór de begindatum."
    return "Deze waarde is ongeldig."


# Model-level errors (no field in `loc`) belong to the field named in their text.
_MODEL_ERROR_FIELDS = ("wanted_until", "available_until")


def validation_errors(exc: ValidationError) -> dict[str, str]:
    """Field name -> Dutch message; the first error per field wins."""
    errors: dict[str, str] = {}
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ())]
        name = loc[0] if loc else ""
        if not name:
            msg = str(err.get("msg", ""))
            name = next((f for f in _MODEL_ERROR_FIELDS if f in msg), "form")
        errors.setdefault(name, dutch_validation_message(err))
    return errors


# Service messages (English, for the API) that a page shows, in Dutch.
_SERVICE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), nl)
    for p, nl in (
        (
            r"offer '(?P<t>.*)' has no places left \((?P<n>\d+) of (?P<c>\d+) taken\)",
            "Het aanbod '{t}' is vol: alle {c} plaatsen zijn bezet.",
        ),
        (r"unknown neighbourhood '(?P<t>.*)'", "Onbekende wijk of buurt '{t}'."),
        (r"unknown theme '(?P<t>.*)'", "Onbekend thema '{t}'."),
        (r"unknown institution '(?P<t>.*)'", "Onbekende instelling '{t}'."),
        (
            r"this pair already has a match with status '(?P<t>.*)'",
            "Deze vraag en dit aanbod zijn al gekoppeld (status: {t}).",
        ),
        (
            r"offer '(?P<t>.*)' breaks a hard rule for this question: (?P<r>.*)",
            "Het aanbod '{t}' kan niet aan deze vraag worden gekoppeld: {r}.",
        ),
        (
            r"question is '(?P<t>.*)'; matches need an open question",
            "Deze vraag staat niet open (status: {t}); open de vraag eerst.",
        ),
        (
            r"cannot move a match from '(?P<a>.*)' to '(?P<b>.*)'",
            "Deze koppeling kan niet van '{a}' naar '{b}'.",
        ),
        (
            r"cannot move a question from '(?P<a>.*)' to '(?P<b>.*)'",
            "Deze vraag kan niet van '{a}' naar '{b}'.",
        ),
        (
            r"capacity cannot drop below the (?P<n>\d+) place\(s\) already taken",
            "De capaciteit kan niet lager dan de {n} plaats(en) die al bezet zijn.",
        ),
        (
            r"a question in status '(?P<t>.*)' can no longer be edited",
            "Een vraag met status '{t}' kan niet meer worden gewijzigd.",
        ),
        (
            r"(question|offer|match) not found",
            "Niet gevonden of niet zichtbaar voor u.",
        ),
        (
            r"providers register offers for their own institution only",
            "U kunt alleen aanbod van uw eigen instelling registreren.",
        ),
        (r"institution is required", "Kies een instelling."),
        (
            r"available_until is before available_from",
            "De einddatum ligt vóór de begindatum.",
        ),
        (
            r"wanted_until is before wanted_from",
            "De einddatum ligt vóór de begindatum.",
        ),
        (
            r"your account is not linked to an? (municipality|institution)",
            "Uw account is niet aan een gemeente of instelling gekoppeld.",
        ),
    )
)
_GENERIC = {
    401: "U bent niet ingelogd.",
    403: "U mag dit niet doen.",
    404: "Niet gevonden of niet zichtbaar voor u.",
    409: "Dit kan niet in de huidige toestand.",
    413: "Het bestand is te groot.",
    422: "De invoer is niet geldig.",
    429: "Te veel verzoeken; probeer het over een minuut opnieuw.",
    503: "Deze functie is tijdelijk niet beschikbaar.",
}
# Status codes inside a service message, as words in a Dutch sentence.
_STATUS_WORDS = {
    code: text.lower()
    for code, text in {**labels(QuestionStatus), **labels(MatchStatus)}.items()
}


def known_message(text: str) -> str | None:
    for pattern, template in _SERVICE_MESSAGES:
        found = pattern.search(text)
        if found:
            parts = {k: _STATUS_WORDS.get(v, v) for k, v in found.groupdict().items()}
            return template.format(**parts)
    return None


def dutch_message(text: str, status_code: int = 400) -> str:
    """A service message in Dutch; an unknown one gets a generic Dutch sentence."""
    return known_message(text) or _GENERIC.get(status_code, "Dit is niet gelukt.")


def app_error_message(exc: AppError) -> str:
    if getattr(exc, "dutch", False):
        return exc.detail
    return dutch_message(exc.detail, exc.status_code)


def app_error_fields(exc: AppError, known: Iterable[str]) -> dict[str, str]:
    """The error's field messages in Dutch, for the fields the form has."""
    names = set(known)
    out: dict[str, str] = {}
    for name, text in exc.fields.items():
        if name in names:
            out[name] = known_message(text) or app_error_message(exc)
    if not out:
        out["form"] = app_error_message(exc)
    return out


def save_form(session: Session, state: FormState, save: Callable[[], T]) -> T | None:
    """Validate and save; on a refusal, roll back and put the errors on the form."""
    try:
        return save()
    except ValidationError as exc:
        state.errors = validation_errors(exc)
    except AppError as exc:
        session.rollback()
        state.errors = app_error_fields(exc, state.labels)
    return None
