"""learned_models, matches.reranker_version, municipalities.learned_ranking

Revision ID: 9ea91e6bbf9c
Revises: ea8d7f32810a
Create Date: 2026-12-08 00:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9ea91e6bbf9c"
down_revision: str | None = "ea8d7f32810a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Fail fast instead of queueing behind long-running transactions (PostgreSQL).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SET LOCAL lock_timeout = '5s'")

    op.create_table(
        "learned_models",
        sa.Column("municipality_id", sa.Uuid(), nullable=True),
        sa.Column("version", sa.String(length=60), nullable=False),
        sa.Column("engine_version", sa.String(length=60), nullable=False),
        sa.Column("decisions", sa.Integer(), nullable=False),
        sa.Column("questions", sa.Integer(), nullable=False),
        sa.Column("ranker", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_learned_models_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_learned_models")),
    )
    with op.batch_alter_table("learned_models", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_learned_models_created_at"), ["created_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_learned_models_municipality_id"),
            ["municipality_id"],
            unique=False,
        )
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("reranker_version", sa.String(length=60), nullable=True)
        )
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "learned_ranking",
                sa.Boolean(),
                server_default=sa.true(),
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.drop_column("learned_ranking")
    with op.batch_alter_table("matches", schema=None) as batch_op:
        batch_op.drop_column("reranker_version")
    with op.batch_alter_table("learned_models", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_learned_models_municipality_id"))
        batch_op.drop_index(batch_op.f("ix_learned_models_created_at"))

    op.drop_table("learned_models")
