"""Evaluation data sets (shared/eval/FORMAT.md): reading and validating them.

`load_dataset` turns a JSON file into engine types (`OfferInput`, `QuestionInput`) and
raises `DatasetError` with a message that names the problem and the item: missing
file, invalid JSON with line and column, missing field with the item key, unknown
level or kind, bad date, a relevant key that is not among the offers.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any, TypeVar

from matching.errors import DatasetError
from matching.types import Level, OfferInput, OfferKind, QuestionInput

__all__ = ["Dataset", "LabelledQuestion", "load_dataset", "parse_dataset"]

_E = TypeVar("_E", bound=StrEnum)


@dataclass(frozen=True, slots=True)
class LabelledQuestion:
    """A question with the offer ids an experienced broker would propose."""

    question: QuestionInput
    relevant: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Dataset:
    """A small world of offers and labelled questions."""

    name: str
    reference_date: date
    offers: tuple[OfferInput, ...]
    questions: tuple[LabelledQuestion, ...]


def _require(item: dict[str, Any], name: str, where: str) -> Any:
    if name not in item:
        raise DatasetError(f"{where}: missing field {name!r}")
    return item[name]


def _text(
    item: dict[str, Any], name: str, where: str, *, optional: bool = False
) -> str:
    value = item.get(name, "") if optional else _require(item, name, where)
    if not isinstance(value, str):
        raise DatasetError(f"{where}: field {name!r} must be a string")
    return value


def _date(item: dict[str, Any], name: str, where: str) -> date | None:
    value = item.get(name)
    if value is None:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise DatasetError(
            f"{where}: field {name!r} is not an ISO date: {value!r}"
        ) from None


def _slugs(item: dict[str, Any], name: str, where: str) -> tuple[str, ...]:
    value = item.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DatasetError(f"{where}: field {name!r} must be a list of strings")
    return tuple(value)


def _code(enum: type[_E], value: str, name: str, where: str) -> _E:
    try:
        return enum(value)
    except ValueError:
        allowed = tuple(member.value for member in enum)
        raise DatasetError(
            f"{where}: unknown {name} {value!r} (expected one of {allowed})"
        ) from None


def _offer(item: Any, index: int) -> OfferInput:
    if not isinstance(item, dict):
        raise DatasetError(f"offers[{index}]: must be an object")
    where = f"offer {item.get('key', f'#{index}')!r}"
    key = _text(item, "key", where)
    kind = _code(OfferKind, _text(item, "kind", where), "kind", where)
    level = _code(Level, _text(item, "level", where), "level", where)
    capacity = _require(item, "capacity", where)
    if not isinstance(capacity, int) or isinstance(capacity, bool):
        raise DatasetError(f"{where}: field 'capacity' must be an integer")
    start = _date(item, "available_from", where)
    end = _date(item, "available_until", where)
    if start and end and end < start:
        raise DatasetError(f"{where}: available_until is before available_from")
    return OfferInput(
        id=key,
        kind=kind,
        title=_text(item, "title", where),
        description=_text(item, "description", where),
        level=level,
        themes=_slugs(item, "themes", where),
        neighbourhoods=_slugs(item, "neighbourhoods", where),
        remaining_capacity=capacity,
        available_from=start,
        available_until=end,
        institution=_text(item, "institution", where, optional=True),
    )


def _question(item: Any, index: int, offer_ids: set[str]) -> LabelledQuestion:
    if not isinstance(item, dict):
        raise DatasetError(f"questions[{index}]: must be an object")
    where = f"question {item.get('key', f'#{index}')!r}"
    levels = tuple(
        _code(Level, level, "level", where) for level in _slugs(item, "levels", where)
    )
    neighbourhood = item.get("neighbourhood")
    if neighbourhood is not None and not isinstance(neighbourhood, str):
        raise DatasetError(f"{where}: field 'neighbourhood' must be a string or null")
    relevant = _slugs(item, "relevant", where) if "relevant" in item else None
    if not relevant:
        raise DatasetError(
            f"{where}: field 'relevant' must list at least one offer key"
        )
    unknown = [key for key in relevant if key not in offer_ids]
    if unknown:
        raise DatasetError(
            f"{where}: relevant offer(s) not among the offers: {unknown}"
        )
    question = QuestionInput(
        id=_text(item, "key", where),
        title=_text(item, "title", where),
        description=_text(item, "description", where),
        themes=_slugs(item, "themes", where),
        levels=levels,
        neighbourhood=neighbourhood,
        wanted_from=_date(item, "wanted_from", where),
        wanted_until=_date(item, "wanted_until", where),
    )
    return LabelledQuestion(question=question, relevant=relevant)


def parse_dataset(raw: Any, *, source: str = "data set") -> Dataset:
    """Validate a decoded JSON data set and convert it to engine types.

    Args:
        raw: The decoded JSON document.
        source: Name used in error messages.

    Returns:
        The data set; offers get `remaining_capacity = capacity`.

    Raises:
        DatasetError: Naming the item and the problem.
    """
    if not isinstance(raw, dict):
        raise DatasetError(f"{source}: the top level must be a JSON object")
    reference = _date(raw, "reference_date", source)
    if reference is None:
        raise DatasetError(f"{source}: missing field 'reference_date'")
    offers_raw = _require(raw, "offers", source)
    questions_raw = _require(raw, "questions", source)
    if not isinstance(offers_raw, list) or not isinstance(questions_raw, list):
        raise DatasetError(f"{source}: 'offers' and 'questions' must be lists")
    offers = tuple(_offer(item, i) for i, item in enumerate(offers_raw))
    ids = [o.id for o in offers]
    duplicates = sorted({k for k in ids if ids.count(k) > 1})
    if duplicates:
        raise DatasetError(f"{source}: duplicate offer key(s): {duplicates}")
    offer_ids = set(ids)
    questions = tuple(
        _question(item, i, offer_ids) for i, item in enumerate(questions_raw)
    )
    keys = [q.question.id for q in questions]
    if len(set(keys)) != len(keys):
        raise DatasetError(f"{source}: duplicate question keys")
    return Dataset(
        name=str(raw.get("name", source)),
        reference_date=reference,
        offers=offers,
        questions=questions,
    )


def load_dataset(path: str | Path) -> Dataset:
    """Read and validate a data set file.

    Args:
        path: A UTF-8 JSON file in the format of FORMAT.md.

    Returns:
        The data set.

    Raises:
        DatasetError: Missing file, invalid JSON (with line and column), or a
            format problem naming the item.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DatasetError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{path}: cannot read: {exc}") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(
            f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    return parse_dataset(raw, source=str(path))
