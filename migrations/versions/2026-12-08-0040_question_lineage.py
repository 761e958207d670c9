"""question lineage: parent_id (split into sub-questions) and follows_id (follow-up)

Revision ID: 3cfce0603368
Revises: f3b8d0a2c614
Create Date: 2026-12-08 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "3cfce0603368"
down_revision: str | None = "f3b8d0a2c614"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Fail fast instead of queueing behind long-running transactions (PostgreSQL).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SET LOCAL lock_timeout = '5s'")
    # Both nullable: every existing question stays a question of its own.
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parent_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("follows_id", sa.Uuid(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_questions_parent_id"), ["parent_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_questions_follows_id"), ["follows_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_questions_parent_id_questions"),
            "questions",
            ["parent_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_questions_follows_id_questions"),
            "questions",
            ["follows_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_questions_follows_id_questions"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_questions_parent_id_questions"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_questions_follows_id"))
        batch_op.drop_index(batch_op.f("ix_questions_parent_id"))
        batch_op.drop_column("follows_id")
        batch_op.drop_column("parent_id")
