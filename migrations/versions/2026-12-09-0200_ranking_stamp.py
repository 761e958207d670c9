"""the ranking stamp: a version every offer index compares with, per-offer versions

Revision ID: 3f1a9c0d2b77
Revises: 66ce19603ca2
Create Date: 2026-12-09 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3f1a9c0d2b77"
down_revision: str | None = "66ce19603ca2"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Fail fast instead of queueing behind long-running transactions (PostgreSQL).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SET LOCAL lock_timeout = '5s'")
    stamp = op.create_table(
        "ranking_stamp",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        sa.Column("rebuild_version", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranking_stamp")),
    )
    op.bulk_insert(stamp, [{"id": 1, "version": 0, "rebuild_version": 0}])
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("index_version", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.create_index(
            batch_op.f("ix_offers_index_version"), ["index_version"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("offers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offers_index_version"))
        batch_op.drop_column("index_version")
    op.drop_table("ranking_stamp")
