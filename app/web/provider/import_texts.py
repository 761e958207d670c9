"""Dutch texts for the CSV import page: the column guide and the error messages."""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.errors import AppError
from app.offers import importer
from app.web.core.forms import dutch_validation_message, known_message
from app.web.provider.offer_form import LABELS

COLUMN_HELP: tuple[tuple[str, str], ...] = (
    (
        "kind",
        "Verplicht. course (cursus of minor), thesis (afstudeerplaatsen) of research (onderzoeksexpertise).",
    ),
    ("title", "Verplicht. 3 tot 200 tekens."),
    (
        "description",
        "Verplicht. Wat doen studenten of onderzoekers? Nederlands of Engels.",
    ),
    ("capacity", "Verplicht. Hoeveel vragen het aanbod kan aannemen (0 tot 1000)."),
    ("level", "mbo, hbo of wo. Leeg: het niveau van uw instelling."),
    ("available_from", "Datum, bijvoorbeeld 2027-02-01 of 1-2-2027."),
    ("available_until", "Datum; niet vóór available_from."),
    ("intake_deadline", "Datum tot wanneer vragen kunnen instromen."),
    ("language", "nl of en. Leeg: nl."),
    (
        "themes",
        "Thema-codes gescheiden door |, bijvoorbeeld sociaal-domein|veiligheid.",
    ),
    ("neighbourhoods", "Wijken of buurten gescheiden door |; leeg: overal in de stad."),
    ("contact_name", "Naam van de contactpersoon."),
    ("contact_email", "E-mailadres van de contactpersoon."),
    ("status", "active of paused. Leeg: active."),
    ("institution", "Alleen voor de kennismakelaar: de naam van de instelling."),
    ("municipality", "De gemeente; leeg: de standaardgemeente."),
)

_FILE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p), nl)
    for p, nl in (
        (
            r"larger than",
            f"Het bestand is groter dan {importer.MAX_BYTES // 1_000_000} MB. Splits het in kleinere bestanden.",
        ),
        (r"not UTF-8", "Het bestand is geen UTF-8-tekst. Sla het op als 'CSV UTF-8'."),
        (r"is empty", "Het bestand is leeg."),
        (
            r"no offers below the header",
            "Het bestand bevat geen aanbod onder de kopregel.",
        ),
        (
            r"has (?P<n>\d+) offers; at most (?P<m>\d+)",
            "Het bestand bevat {n} regels aanbod; per import kunnen er hoogstens {m}.",
        ),
        (r"not valid CSV", "Het bestand is geen geldige CSV."),
        (
            r"NUL characters",
            "Het bestand bevat NUL-tekens en is dus geen CSV-tekst. "
            "Sla het op als 'CSV UTF-8'.",
        ),
    )
)
_HEADER_PROBLEM = re.compile(r"(unknown|missing) column '([^']*)'")


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    column: str
    message: str


def file_message(exc: AppError) -> str:
    problems = _HEADER_PROBLEM.findall(exc.detail)
    if problems:
        parts = [
            f"onbekende kolom '{name}'"
            if kind == "unknown"
            else f"kolom '{name}' ontbreekt"
            for kind, name in problems
        ]
        return "De kopregel klopt niet: " + "; ".join(parts) + "."
    for pattern, template in _FILE_MESSAGES:
        found = pattern.search(exc.detail)
        if found:
            return template.format(**found.groupdict())
    return "Het bestand kon niet worden gelezen."


def row_problems(exc: importer.ImportRejectedError) -> list[RowProblem]:
    problems = []
    for e in exc.row_errors:
        if e.code == "service":
            text = known_message(e.message) or f"Niet geldig ({e.message})."
        else:
            text = dutch_validation_message(
                {"type": e.code, "ctx": e.ctx, "msg": e.message}
            )
        column = (
            f"{LABELS.get(e.column, e.column)} ({e.column})" if e.column else "hele rij"
        )
        problems.append(RowProblem(e.row, column, text))
    return problems
