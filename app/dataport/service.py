"""Export every table to one JSON document and import it into an empty database.

The document is database-neutral (SQLite <-> PostgreSQL) and round-trips exactly:
ids, timestamps, vectors and JSON columns come back as they left. Tables are written
and read in foreign-key order.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Date,
    DateTime,
    LargeBinary,
    Table,
    Uuid,
    inspect,
)

import app.models  # noqa: F401  (registers every table)
from app.dataport import repository
from app.db import Base

FORMAT = "kennisbrug-export"
VERSION = 1


class ImportRefusedError(Exception):
    """The target database is not empty, or the document is not an export."""


def _kind(column: Column[Any]) -> Any:
    """The column's storage type, looking through TypeDecorators (UTCDateTime)."""
    return getattr(column.type, "impl_instance", column.type)


def _encoder(column: Column[Any]) -> Callable[[Any], Any]:
    kind = _kind(column)
    if isinstance(kind, Uuid):
        return str
    if isinstance(kind, DateTime):
        return lambda v: v.isoformat()
    if isinstance(kind, Date):
        return lambda v: v.isoformat()
    if isinstance(kind, LargeBinary):
        return lambda v: base64.b64encode(v).decode("ascii")
    return lambda v: v


def _decoder(column: Column[Any]) -> Callable[[Any], Any]:
    kind = _kind(column)
    if isinstance(kind, Uuid):
        return uuid.UUID
    if isinstance(kind, DateTime):
        return datetime.fromisoformat
    if isinstance(kind, Date):
        return date.fromisoformat
    if isinstance(kind, LargeBinary):
        return base64.b64decode
    return lambda v: v


# Process bookkeeping, not data: the migration creates its row, and a first
# request after an import rebuilds every index anyway.
_NOT_DATA = frozenset({"ranking_stamp"})


def _tables() -> list[Table]:
    return [t for t in Base.metadata.sorted_tables if t.name not in _NOT_DATA]


def export_data(conn: Connection) -> dict[str, Any]:
    """Every row of every table, JSON-safe, in a stable order."""
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in _tables():
        codecs = {c.name: _encoder(c) for c in table.columns}
        tables[table.name] = [
            {k: (None if v is None else codecs[k](v)) for k, v in row.items()}
            for row in repository.rows(conn, table)
        ]
    return {"format": FORMAT, "version": VERSION, "tables": tables}


def import_data(conn: Connection, document: Any) -> dict[str, int]:
    """Insert an export (any parsed JSON) into an empty database; rows per table.

    Raises:
        ImportRefusedError: not an export of this version (or a table unknown
            here, a bad value), the database is not migrated, or it has data.
    """
    if (
        not isinstance(document, dict)
        or document.get("format") != FORMAT
        or document.get("version") != VERSION
    ):
        raise ImportRefusedError(f"not a {FORMAT} version {VERSION} document")
    contents = _contents(document)
    _require_migrated(conn)
    for table in _tables():
        if repository.has_rows(conn, table):
            raise ImportRefusedError(
                f"table {table.name} already has rows; import needs an empty, migrated database"
            )
    counts: dict[str, int] = {}
    for table in _tables():
        rows = contents.get(table.name, [])
        codecs = {c.name: _decoder(c) for c in table.columns}
        unknown = {k for row in rows for k in row} - set(codecs)
        if unknown:
            raise ImportRefusedError(
                f"table {table.name}: unknown columns {sorted(unknown)}"
            )
        try:
            decoded = [
                {k: (None if v is None else codecs[k](v)) for k, v in row.items()}
                for row in rows
            ]
        except (TypeError, ValueError, binascii.Error) as exc:
            raise ImportRefusedError(f"table {table.name}: bad value: {exc}") from exc
        repository.insert(conn, table, _parents_first(table, decoded))
        counts[table.name] = len(decoded)
    return counts


def _contents(document: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """The document's rows per table, refused when its shape is not an export's or
    it holds a table this database does not have (a newer version's export): those
    rows would otherwise be left out without a word."""
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise ImportRefusedError("the document has no 'tables' object")
    known = {t.name for t in _tables()}
    unknown = sorted(set(tables) - known - _NOT_DATA)
    if unknown:
        raise ImportRefusedError(
            f"unknown tables {unknown}: an export of a newer version? "
            "migrate this database to the exporting version first"
        )
    for name, rows in tables.items():
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise ImportRefusedError(f"table {name}: rows must be a list of objects")
    return {name: rows for name, rows in tables.items() if name in known}


def _require_migrated(conn: Connection) -> None:
    """Refuse a database without the schema (never migrated) with what to do,
    instead of failing on the first query."""
    present = set(inspect(conn).get_table_names())
    missing = sorted(t.name for t in _tables() if t.name not in present)
    if missing:
        raise ImportRefusedError(
            f"the database has no table {missing[0]}: run `kennisbrug migrate` first"
        )


def _parents_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows that reference rows of their own table (a question's parent_id and
    follows_id) after the rows they reference, so every foreign key holds on insert."""
    own = [
        fk.parent.name
        for fk in table.foreign_keys
        if fk.column.table is table and fk.parent.name in table.columns
    ]
    if not own or "id" not in table.columns:
        return rows
    pending = {row["id"]: row for row in rows}
    ordered: list[dict[str, Any]] = []
    while pending:
        # Ready: every row it references is inserted already (or not in the file).
        ready = [
            key
            for key, row in pending.items()
            if all(row.get(c) not in pending for c in own)
        ] or list(pending)[:1]  # lineage has no cycles; never loop forever
        for key in ready:
            ordered.append(pending.pop(key))
    return ordered
