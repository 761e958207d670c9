"""Alembic environment: URL from the settings (or the Config), metadata from app.models."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from alembic import context
from sqlalchemy import Connection

import app.models  # noqa: F401  (registers every table)
from app.config import get_settings
from app.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def _include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Leave procrastinate's tables (its own SQL, PostgreSQL only) out of autogenerate."""
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))


def _url() -> str:
    return config.get_main_option("sqlalchemy.url") or get_settings().database_url


def run_migrations_offline() -> None:
    context.configure(
        url=_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        compare_type=True,
        include_name=_include_name,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connectable = config.attributes.get("connection")
    if connectable is not None:
        _run(connectable)
        return
    engine = make_engine(_url())
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        include_name=_include_name,
        # SQLite cannot ALTER most things; batch mode rebuilds tables there.
        render_as_batch=True,
    )
    with _sqlite_foreign_keys_deferred(connection), context.begin_transaction():
        context.run_migrations()
        _check_foreign_keys(connection)


@contextmanager
def _sqlite_foreign_keys_deferred(connection: Connection) -> Iterator[None]:
    """SQLite: turn foreign-key enforcement off while the migrations run.

    Batch mode rebuilds a table as copy, DROP TABLE, rename. With `foreign_keys=ON`
    (app.db.make_engine) the DROP is an implicit DELETE of every row: ON DELETE
    CASCADE then deletes the matches, interests, themes of every question, SET NULL
    unlinks rows, and plain references fail the migration. The pragma only takes
    effect outside a transaction, so it goes straight to the driver first;
    `_check_foreign_keys` checks the result before the commit.
    """
    raw = connection.connection.driver_connection
    switch = (
        connection.dialect.name == "sqlite"
        and not connection.in_transaction()
        and raw is not None
    )
    if not switch:
        yield
        return
    assert raw is not None
    raw.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        if connection.in_transaction():  # never with the commit-or-rollback above
            connection.rollback()
        raw.execute("PRAGMA foreign_keys=ON")


def _check_foreign_keys(connection: Connection) -> None:
    """SQLite: refuse to commit migrations that left a dangling reference."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({str(row[0]) for row in broken})
        raise RuntimeError(f"foreign keys broken by the migration in {tables}")


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
