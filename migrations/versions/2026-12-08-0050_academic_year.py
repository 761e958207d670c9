"""the academic year: yearly offers and editions, periods, parked questions

Revision ID: ea8d7f32810a
Revises: 3cfce0603368
Create Date: 2026-12-08 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import app.db

revision: str = "ea8d7f32810a"
down_revision: str | None = "3cfce0603368"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD = (
    "'draft', 'submitted', 'open', 'matched', 'in_progress', 'completed', "
    "'withdrawn', 'not_matched'"
)
NEW = OLD + ", 'parked'"


def upgrade() -> None:
    # Fail fast instead of queueing behind long-running transactions (PostgreSQL).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_table(
        "academic_periods",
        sa.Column("institution_id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("intake_deadline", sa.Date(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", app.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('semester', 'blok', 'kwartiel', 'bpv', 'other')",
            name=op.f("ck_academic_periods_kind"),
        ),
        sa.CheckConstraint(
            "ends_on >= starts_on", name=op.f("ck_academic_periods_dates_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["institution_id"],
            ["institutions.id"],
            name=op.f("fk_academic_periods_institution_id_institutions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_academic_periods")),
        sa.UniqueConstraint(
            "institution_id",
            "name",
            name=op.f("uq_academic_periods_institution_id_name"),
        ),
    )
    with op.batch_alter_table("academic_periods", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_academic_periods_institution_id"),
            ["institution_id"],
            unique=False,
        )
    # Existing matches hold places of their offer's first (and only) edition.
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("edition", sa.Integer(), server_default="0", nullable=False)
        )
    # Existing offers are one-off windows: recurrence none, edition 0.
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "recurrence",
                sa.String(length=10),
                server_default="none",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column("edition", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_check_constraint(
            "recurrence", "recurrence IN ('none', 'yearly')"
        )
        batch_op.create_check_constraint("edition", "edition >= 0")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parked_until", sa.Date(), nullable=True))
        batch_op.drop_constraint(batch_op.f("ck_questions_status"), type_="check")
        batch_op.create_check_constraint("status", f"status IN ({NEW})")


def downgrade() -> None:
    # The old lifecycle had no parking: a parked question waits as an open one.
    op.execute("UPDATE questions SET status = 'open' WHERE status = 'parked'")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_questions_status"), type_="check")
        batch_op.create_check_constraint("status", f"status IN ({OLD})")
        batch_op.drop_column("parked_until")
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_offers_edition"), type_="check")
        batch_op.drop_constraint(batch_op.f("ck_offers_recurrence"), type_="check")
        batch_op.drop_column("edition")
        batch_op.drop_column("recurrence")
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_column("edition")
    with op.batch_alter_table("academic_periods", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_academic_periods_institution_id"))
    op.drop_table("academic_periods")
