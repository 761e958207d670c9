"""procrastinate's job queue schema (PostgreSQL only)

Revision ID: c9a2f4d81b37
Revises: b41d7e3a9c05
Create Date: 2026-12-07 09:10:00

The SQL is procrastinate's own `schema.sql`, read from the installed package (pinned
in pyproject.toml), so it is exactly the schema that version's worker expects. The
check below refuses to run when the installed version's schema is newer than the one
this migration was written for: a fresh database would otherwise get the new schema
and a later migration applying procrastinate's upgrade scripts would fail. To upgrade
procrastinate, add a migration that runs the files of `sql/migrations/` that are new
since `SCHEMA_LAST_MIGRATION`, and vendor this version's schema.sql here.
SQLite has no job queue (the in-process runner needs none), so nothing happens there.
"""

from collections.abc import Sequence
from importlib import resources

from alembic import op

revision: str = "c9a2f4d81b37"
down_revision: str | None = "b41d7e3a9c05"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The newest of procrastinate's own migration scripts that schema.sql includes
# (procrastinate 3.10.0).
SCHEMA_LAST_MIGRATION = "03.04.00_50_post_add_retry_failed_job_procedure.sql"


def _schema_sql() -> str:
    sql = resources.files("procrastinate.sql")
    newest = max(
        entry.name
        for entry in sql.joinpath("migrations").iterdir()
        if entry.name.endswith(".sql")
    )
    if newest != SCHEMA_LAST_MIGRATION:
        raise RuntimeError(
            f"the installed procrastinate's schema ends at {newest}, this migration "
            f"was written for {SCHEMA_LAST_MIGRATION}: install the version pinned in "
            "pyproject.toml (see this migration's docstring to upgrade)"
        )
    return sql.joinpath("schema.sql").read_text(encoding="utf-8")


def _run_script(sql: str) -> None:
    """Run a multi-statement script on the migration's connection and transaction.

    Straight to psycopg, without parameters: the scripts hold literal % and : that
    SQLAlchemy's text() or a parameter style would interpret.
    """
    op.get_bind().connection.driver_connection.execute(sql)  # type: ignore[union-attr]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("SET LOCAL lock_timeout = '5s'")
    _run_script(_schema_sql())


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # Everything procrastinate's schema created carries its prefix: tables (with
    # their indexes and triggers), then functions and procedures, then types.
    _run_script(
        """
        DO $$
        DECLARE item record;
        BEGIN
            FOR item IN
                SELECT c.oid::regclass AS name FROM pg_class c
                JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = current_schema() AND c.relkind = 'r'
                  AND c.relname LIKE 'procrastinate\\_%'
            LOOP
                EXECUTE format('DROP TABLE IF EXISTS %s CASCADE', item.name);
            END LOOP;
            FOR item IN
                SELECT p.oid::regprocedure AS name FROM pg_proc p
                JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = current_schema()
                  AND p.proname LIKE 'procrastinate\\_%'
            LOOP
                EXECUTE format('DROP ROUTINE IF EXISTS %s CASCADE', item.name);
            END LOOP;
            FOR item IN
                SELECT t.oid::regtype AS name FROM pg_type t
                JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = current_schema() AND t.typtype IN ('e', 'c')
                  AND t.typname LIKE 'procrastinate\\_%'
                  AND NOT EXISTS (
                      SELECT 1 FROM pg_class c
                      WHERE c.reltype = t.oid AND c.relkind <> 'c'
                  )
            LOOP
                EXECUTE format('DROP TYPE IF EXISTS %s CASCADE', item.name);
            END LOOP;
        END;
        $$
        """
    )
