"""The table-level reads and writes of export and import (SQLAlchemy Core)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, RowMapping, Table, func, select


def rows(conn: Connection, table: Table) -> Iterator[RowMapping]:
    """Every row of the table, in primary-key order (a stable export)."""
    order = list(table.primary_key.columns)
    return iter(conn.execute(select(table).order_by(*order)).mappings())


def has_rows(conn: Connection, table: Table) -> bool:
    return bool(conn.scalar(select(func.count()).select_from(table)))


def insert(conn: Connection, table: Table, values: Sequence[dict[str, Any]]) -> None:
    if values:
        conn.execute(table.insert(), list(values))
