"""the broker marks a student's interest as handled: handled_at, handled_by_id

Revision ID: 7c2e9a4b1d63
Revises: 9ea91e6bbf9c
Create Date: 2026-12-08 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c2e9a4b1d63"
down_revision: str | None = "9ea91e6bbf9c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Fail fast instead of queueing behind long-running transactions (PostgreSQL).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SET LOCAL lock_timeout = '5s'")
    # Both nullable: every existing interest is simply not handled yet.
    with op.batch_alter_table("interests", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("handled_by_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            "fk_interests_handled_by_id_users", "users", ["handled_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("interests", schema=None) as batch_op:
        batch_op.drop_constraint("fk_interests_handled_by_id_users", type_="foreignkey")
        batch_op.drop_column("handled_by_id")
        batch_op.drop_column("handled_at")
