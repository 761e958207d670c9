"""Export every table to one JSON document and import it into an empty database.

The document is database-neutral (SQLite <-> PostgreSQL) and round-trips exactly:
ids, timestamps, vectors and JSON columns come back as they left. Tables are written
and read in foreign-key order.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Connection, Date, DateTime, LargeBinary, Table, Uuid

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


def import_data(conn: Connection, document: dict[str, Any]) -> dict[str, int]:
    """Insert an export into an empty database; returns rows per table.

    Raises:
        ImportRefusedError: not an export of this version, or the database has data.
    """
    if document.get("format") != FORMAT or document.get("version") != VERSION:
        raise ImportRefusedError(f"not a {FORMAT} version {VERSION} document")
    for table in _tables():
        if repository.has_rows(conn, table):
            raise ImportRefusedError(
                f"table {table.name} already has rows; import needs an empty, migrated database"
            )
    counts: dict[str, int] = {}
    for table in _tables():
        rows = document["tables"].get(table.name, [])
        codecs = {c.name: _decoder(c) for c in table.columns}
        unknown = {k for row in rows for k in row} - set(codecs)
        if unknown:
            raise ImportRefusedError(
                f"table {table.name}: unknown columns {sorted(unknown)}"
            )
        decoded = [
            {k: (None if v is None else codecs[k](v)) for k, v in row.items()}
            for row in rows
        ]
        repository.insert(conn, table, _parents_first(table, decoded))
        counts[table.name] = len(decoded)
    return counts


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
