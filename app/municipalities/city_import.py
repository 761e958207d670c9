"""CSV onboarding: one row per district, grouped by city; all cities or none.

Columns: municipality, municipality_name, district, district_name, aliases (buurt
names separated by '|'). Read as the offer import reads its file (`app.csvimport`).
"""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy.orm import Session

from app.csvimport import read_records
from app.errors import FieldError, InvalidFields
from app.models import Municipality, User
from app.municipalities import service
from app.municipalities.schemas import MunicipalityCreate
from app.offers.errors import BadHeader, CellsBeyondHeader, NoRows

COLUMNS = ("municipality", "municipality_name", "district", "district_name", "aliases")


class RowInvalid(FieldError):
    def __init__(self, row: int, message: str) -> None:
        super().__init__(
            f"row {row}: {message}", field=f"row {row}", field_message=message
        )
        self.row = row


def parse(data: bytes) -> list[MunicipalityCreate]:
    """The cities the file describes; 413/422 on a bad file, naming rows."""
    records, header_row = read_records(data)
    header = [h.strip().lower() for h in records[0]]
    missing = [c for c in COLUMNS[:4] if c not in header]
    unknown = [h for h in header if h and h not in COLUMNS]
    # A repeated column would let its last cell silently win over the first.
    repeated = sorted({h for h in header if h and header.count(h) > 1})
    if missing or unknown or repeated:
        raise BadHeader(
            unknown=unknown, missing=missing, repeated=repeated, columns=COLUMNS
        )
    cities: dict[str, dict[str, object]] = {}
    rows: dict[str, int] = {}
    overfull: list[FieldError] = []
    for number, cells in enumerate(records[1:], start=header_row + 1):
        if any(c.strip() for c in cells[len(header) :]):
            # An unquoted `;` or `,` inside a name would cut the name there.
            beyond = CellsBeyondHeader(len(header), len(cells))
            overfull.append(RowInvalid(number, str(beyond)))
            continue
        row = dict(zip(header, (c.strip() for c in cells), strict=False))
        if not any(row.values()):
            continue
        slug = row.get("municipality", "")
        city = cities.setdefault(
            slug,
            {"slug": slug, "name": row.get("municipality_name", ""), "districts": []},
        )
        rows.setdefault(slug, number)
        districts = city["districts"]
        assert isinstance(districts, list)
        districts.append(
            {
                "slug": row.get("district", ""),
                "name": row.get("district_name", ""),
                "aliases": [a for a in row.get("aliases", "").split("|") if a.strip()],
            }
        )
    if overfull:
        raise InvalidFields(overfull)
    if not cities:
        raise NoRows()
    out: list[MunicipalityCreate] = []
    errors: list[FieldError] = []
    for slug, city in cities.items():
        try:
            out.append(MunicipalityCreate.model_validate(city))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            errors.append(RowInvalid(rows[slug], f"{where}: {first['msg']}"))
    if errors:
        raise InvalidFields(errors)
    return out


def import_municipalities(
    session: Session, data: bytes, *, actor: User | None
) -> list[Municipality]:
    """Onboard every city in the file, or none when one is refused."""
    cities = [service.stage_municipality(session, c, actor=actor) for c in parse(data)]
    session.commit()
    return cities
