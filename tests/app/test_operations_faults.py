"""Moving data in and out, and running the service: migrations with data in the
database, `kennisbrug export|import` on bad input and live databases, and the
city CSV import's reading of its file."""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Engine, create_engine, insert, inspect, text
from typer.testing import CliRunner

from app.cli import alembic_config, cli
from app.config import Settings, get_settings
from app.dataport import export_data, import_data
from app.db import make_engine, make_session_factory
from app.models import Municipality, Neighbourhood
from seeds.loader import SeedReport, load_demo, load_reference, read_data

runner = CliRunner()
ON_POSTGRES = os.environ.get("KENNISBRUG_TEST_DB") == "postgres"
# The revision before the question lineage (2026-12-08-0040): a database of that
# age still has to go through the migrations that rebuild tables on SQLite.
BEFORE_LINEAGE = "f3b8d0a2c614"


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            names = [
                t
                for t in inspect(conn).get_table_names()
                if t != "alembic_version" and not t.startswith("procrastinate_")
            ]
            return {t: conn.scalar(text(f'SELECT count(*) FROM "{t}"')) for t in names}
    finally:
        engine.dispose()


def _demo_world(url: str, settings: Settings) -> None:
    command.upgrade(alembic_config(url), "head")
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as s:
            load_reference(s, read_data("reference.json"), SeedReport())
            load_demo(
                s, read_data("demo.json"), password="kennisbrug-demo", settings=settings
            )
    finally:
        engine.dispose()


@pytest.fixture
def cli_db(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[str], None]]:
    """Point the command line at a database (the settings cache is cleared)."""

    def _use(url: str) -> None:
        monkeypatch.setenv("KENNISBRUG_DATABASE_URL", url)
        get_settings.cache_clear()

    yield _use
    get_settings.cache_clear()


def _no_traceback(result: Any) -> None:
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"traceback instead of a message: {result.exception!r}"
    )


# --- migrations with data ---------------------------------------------------------


def test_downgrading_one_step_and_back_keeps_every_row(new_database, settings):
    """SQLite: the edit-version downgrade rebuilds users/questions/offers; with
    foreign keys enforced, DROP TABLE fails (or cascades) on a database with data."""
    url = new_database()
    _demo_world(url, settings)
    before = _counts(url)
    config = alembic_config(url)
    command.downgrade(config, "-1")
    command.upgrade(config, "head")
    assert _counts(url) == before


def test_upgrading_an_older_database_keeps_its_matches_and_interests(
    new_database, settings
):
    """An operator upgrading a database made before the question lineage: the
    migrations that rebuild `questions` and `offers` on SQLite must not delete the
    rows that reference them (ON DELETE CASCADE fires on the implicit DELETE of
    DROP TABLE when foreign keys are on)."""
    url = new_database()
    _demo_world(url, settings)
    # Bring it back to the older revision without going through the code under test.
    raw = create_engine(url)
    with raw.connect() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
        config = alembic_config(url)
        config.attributes["connection"] = conn
        command.downgrade(config, BEFORE_LINEAGE)
        conn.commit()
    raw.dispose()
    before = _counts(url)
    assert before["matches"] > 0
    assert before["interests"] > 0
    command.upgrade(alembic_config(url), "head")
    after = _counts(url)
    assert {t: after[t] for t in before} == before


# --- import: clear refusals, never a traceback --------------------------------------


def test_import_into_an_unmigrated_database_says_to_migrate(
    tmp_path, new_database, settings, cli_db
):
    source = new_database()
    command.upgrade(alembic_config(source), "head")
    cli_db(source)
    dump = tmp_path / "data.json"
    assert runner.invoke(cli, ["export", str(dump)]).exit_code == 0
    cli_db(new_database())  # never migrated
    result = runner.invoke(cli, ["import", str(dump)])
    _no_traceback(result)
    assert result.exit_code == 1
    assert "migrate" in result.output


@pytest.mark.parametrize(
    "document",
    [
        [1, 2, 3],
        {"format": "kennisbrug-export", "version": 1},
        {"format": "kennisbrug-export", "version": 1, "tables": []},
        {"format": "kennisbrug-export", "version": 1, "tables": {"themes": {}}},
    ],
    ids=["a list", "no tables", "tables a list", "rows not a list"],
)
def test_import_of_a_malformed_file_is_refused_with_a_message(
    tmp_path, new_database, cli_db, document
):
    url = new_database()
    command.upgrade(alembic_config(url), "head")
    cli_db(url)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(cli, ["import", str(path)])
    _no_traceback(result)
    assert result.exit_code == 1
    assert "error:" in result.output


def test_import_refuses_a_table_this_database_does_not_have(
    tmp_path, new_database, cli_db
):
    """An export from a newer version (one more table) into an older schema: the
    rows of that table would be dropped without a word, while unknown columns are
    refused."""
    url = new_database()
    command.upgrade(alembic_config(url), "head")
    cli_db(url)
    document = {
        "format": "kennisbrug-export",
        "version": 1,
        "tables": {"future_table": [{"id": str(uuid.uuid4())}]},
    }
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = runner.invoke(cli, ["import", str(path)])
    _no_traceback(result)
    assert result.exit_code == 1
    assert "future_table" in result.output


@pytest.mark.parametrize("flaw", ["dangling reference", "bad timestamp"])
def test_an_import_that_fails_midway_says_so_and_writes_nothing(
    tmp_path, new_database, settings, cli_db, flaw
):
    source = new_database()
    _demo_world(source, settings)
    engine = make_engine(source)
    with engine.connect() as conn:
        document = export_data(conn)
    engine.dispose()
    match = document["tables"]["matches"][-1]
    if flaw == "dangling reference":
        match["offer_id"] = str(uuid.uuid4())  # a hand-edited file
    else:
        match["created_at"] = "gisteren"
    path = tmp_path / "flawed.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    target = new_database()
    command.upgrade(alembic_config(target), "head")
    cli_db(target)
    result = runner.invoke(cli, ["import", str(path)])
    _no_traceback(result)
    assert result.exit_code == 1
    assert "nothing" in result.output
    assert not any(_counts(target)[t] for t in ("users", "questions", "matches"))


def test_export_of_an_unmigrated_database_says_so(tmp_path, new_database, cli_db):
    cli_db(new_database())
    result = runner.invoke(cli, ["export", str(tmp_path / "x.json")])
    _no_traceback(result)
    assert result.exit_code == 1
    assert "migrated" in result.output


def test_export_to_a_folder_that_does_not_exist_says_so(tmp_path, new_database, cli_db):
    url = new_database()
    command.upgrade(alembic_config(url), "head")
    cli_db(url)
    result = runner.invoke(cli, ["export", str(tmp_path / "no-such-dir" / "x.json")])
    _no_traceback(result)
    assert result.exit_code == 2
    assert "error:" in result.output


# --- export of a live database ------------------------------------------------------


@pytest.mark.skipif(
    not ON_POSTGRES,
    reason="SQLite: the export's transaction holds the write lock (BEGIN IMMEDIATE)",
)
def test_export_of_a_live_database_is_one_snapshot(
    tmp_path, new_database, settings, cli_db, monkeypatch
):
    """A city joins while the export runs: the export must hold either both the
    city and its districts, or neither; on READ COMMITTED each table is read at
    another moment and the file cannot be imported (dangling municipality_id)."""
    from app.dataport import repository

    url = new_database()
    _demo_world(url, settings)
    cli_db(url)
    writer: Engine = make_engine(url)
    real_rows = repository.rows

    def rows_with_a_concurrent_city(conn: Any, table: Any) -> Any:
        if table.name == "neighbourhoods":

            def join() -> None:
                city = uuid.uuid4()
                with writer.begin() as other:
                    other.execute(
                        insert(Municipality.__table__).values(
                            id=city, slug="nieuwstad", name="Nieuwstad"
                        )
                    )
                    other.execute(
                        insert(Neighbourhood.__table__).values(
                            id=uuid.uuid4(),
                            municipality_id=city,
                            slug="kern",
                            name="Kern",
                            aliases=[],
                        )
                    )

            thread = threading.Thread(target=join)
            thread.start()
            thread.join(timeout=20)
        return real_rows(conn, table)

    monkeypatch.setattr(repository, "rows", rows_with_a_concurrent_city)
    dump = tmp_path / "live.json"
    result = runner.invoke(cli, ["export", str(dump)])
    writer.dispose()
    assert result.exit_code == 0, result.output
    tables = json.loads(dump.read_text(encoding="utf-8"))["tables"]
    cities = {m["id"] for m in tables["municipalities"]}
    assert {n["municipality_id"] for n in tables["neighbourhoods"]} <= cities


@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL as the target")
def test_round_trip_sqlite_to_postgresql_is_exact(tmp_path, new_database, settings):
    source = f"sqlite:///{tmp_path / 'source.db'}"
    _demo_world(source, settings)
    engine = make_engine(source)
    with engine.connect() as conn:
        first = export_data(conn)
    engine.dispose()
    target_url = new_database()
    command.upgrade(alembic_config(target_url), "head")
    target = make_engine(target_url)
    with target.begin() as conn:
        import_data(conn, json.loads(json.dumps(first)))
    with target.connect() as conn:
        second = export_data(conn)
    target.dispose()
    assert second == first


# --- the city CSV import -------------------------------------------------------------


def _city_csv(client: Any, admin: dict[str, str], data: bytes) -> Any:
    return client.post(
        "/api/municipalities/import",
        files={"file": ("steden.csv", data, "text/csv")},
        headers=admin,
    )


def test_city_csv_with_cells_beyond_the_header_is_refused(client, make_user, auth):
    """An unquoted `;` inside a district name: the offer import refuses such a row,
    the city import silently cut the name ("Tanthof" instead of "Tanthof; Oost")."""
    admin = auth(make_user("admin"))
    data = (
        b"municipality;municipality_name;district;district_name\n"
        b"delft;Delft;tanthof;Tanthof; Oost\n"
    )
    response = _city_csv(client, admin, data)
    assert response.status_code == 422, response.text
    assert client.get("/api/municipalities/delft/districts").status_code == 404


def test_city_csv_with_a_repeated_column_is_refused(client, make_user, auth):
    """Two `aliases` columns (two sheets pasted together): the last one silently won."""
    admin = auth(make_user("admin"))
    data = (
        b"municipality;municipality_name;district;district_name;aliases;aliases\n"
        b"delft;Delft;tanthof;Tanthof;Tanthof-Oost;\n"
    )
    response = _city_csv(client, admin, data)
    assert response.status_code == 422, response.text
    assert "aliases" in response.text
    assert client.get("/api/municipalities/delft/districts").status_code == 404
