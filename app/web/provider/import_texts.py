"""Dutch texts for the CSV import page: the column guide and the error messages."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.codes import Language, Level, OfferKind, OfferStatus, labels
from app.offers.errors import ImportRejected
from app.web.core.messages import choose, dutch, dutch_validation
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
    (
        "intake_deadline",
        "Datum tot wanneer vragen kunnen instromen; niet na available_from.",
    ),
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
    (
        "municipalities",
        "Alleen voor de aanbieder: de gemeenten die het aanbod bedient, "
        "gescheiden door |; de eigen gemeente hoort er altijd bij.",
    ),
)
_COLUMN_LABELS = {
    **LABELS,
    "status": "Status",
    "municipality": "Gemeente",
}
# In the file one types the code; a wrong one names each code with its Dutch label.
_CHOICES = {
    column: [f"{code} ({text.lower()})" for code, text in labels(codes).items()]
    for column, codes in (
        ("kind", OfferKind),
        ("level", Level),
        ("language", Language),
    )
}
_CHOICES["status"] = [
    f"{s} ({labels(OfferStatus)[s].lower()})"
    for s in (OfferStatus.ACTIVE, OfferStatus.PAUSED)
]
_CHOICE_ERRORS = frozenset({"enum", "literal_error"})


@dataclass(frozen=True, slots=True)
class RowProblem:
    row: int
    column: str
    message: str
    allowed: str


def column_name(column: str) -> str:
    """The column by its Dutch label, with the header name to find it in the file."""
    return f"{_COLUMN_LABELS.get(column, column)} ({column})" if column else "hele rij"


def _message(code: str, column: str, ctx: Mapping[str, object]) -> str:
    if code in _CHOICE_ERRORS and column in _CHOICES:
        return choose(_CHOICES[column])
    return dutch_validation({"type": code, "ctx": ctx})


def row_problems(
    exc: ImportRejected, allowed: Mapping[str, str] | None = None
) -> list[RowProblem]:
    """Every problem of every row in Dutch: the service's refusal by class, a
    validation error by its pydantic type; each with what its column allows
    (`allowed` adds live lists, such as the theme codes, to the column guide)."""
    guide = {**dict(COLUMN_HELP), **(allowed or {})}
    return [
        RowProblem(
            e.row,
            column_name(e.column),
            dutch(e.error)
            if e.error is not None
            else _message(e.code, e.column, e.ctx),
            guide.get(e.column, ""),
        )
        for e in exc.row_errors
    ]
