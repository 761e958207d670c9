"""Dutch texts for the CSV import page: the column guide and the error messages."""

from __future__ import annotations

from dataclasses import dataclass

from app.offers.errors import ImportRejected
from app.web.core.messages import dutch, dutch_validation
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


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    column: str
    message: str


def row_problems(exc: ImportRejected) -> list[RowProblem]:
    """Each row's problems in Dutch: the service's refusal by class, a validation
    error by its pydantic type."""
    problems = []
    for e in exc.row_errors:
        if e.error is not None:
            text = dutch(e.error)
        else:
            text = dutch_validation({"type": e.code, "ctx": e.ctx})
        column = (
            f"{LABELS.get(e.column, e.column)} ({e.column})" if e.column else "hele rij"
        )
        problems.append(RowProblem(e.row, column, text))
    return problems
