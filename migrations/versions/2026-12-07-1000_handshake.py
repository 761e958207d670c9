"""the handshake: providers accept or decline; proposals expire

Revision ID: e7a1c3d5f902
Revises: 9d2e4f6a8b01
Create Date: 2026-12-06 22:12:00.938975
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "e7a1c3d5f902"
down_revision: str | None = "9d2e4f6a8b01"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


OLD = "'proposed', 'confirmed', 'in_progress', 'completed', 'rejected', 'cancelled'"
NEW = (
    "'proposed', 'confirmed', 'in_progress', 'completed', 'rejected', 'declined', "
    "'expired', 'cancelled'"
)


def upgrade() -> None:
    # Fail fast instead of queueing behind long-running transactions (PostgreSQL).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SET LOCAL lock_timeout = '5s'")
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("respond_before", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("responded_by_id", sa.Uuid(), nullable=True))
        batch_op.add_column(
            sa.Column("responded_at", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_matches_responded_by_id_users"),
            "users",
            ["responded_by_id"],
            ["id"],
        )
        batch_op.drop_constraint(batch_op.f("ck_matches_status"), type_="check")
        batch_op.create_check_constraint("status", f"status IN ({NEW})")


def downgrade() -> None:
    # The old lifecycle knew neither answer: a decline or an expiry ends a
    # proposal as a rejection did.
    op.execute(
        "UPDATE matches SET status = 'rejected' WHERE status IN ('declined', 'expired')"
    )
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_matches_status"), type_="check")
        batch_op.create_check_constraint("status", f"status IN ({OLD})")
        batch_op.drop_constraint(
            batch_op.f("fk_matches_responded_by_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("responded_at")
        batch_op.drop_column("responded_by_id")
        batch_op.drop_column("respond_before")
