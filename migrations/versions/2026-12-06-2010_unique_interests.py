"""one interest per address and question

Revision ID: 3f8b6c0e1a22
Revises: 7c1e2a9d4b10
Create Date: 2026-12-06 20:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "3f8b6c0e1a22"
down_revision: str | None = "7c1e2a9d4b10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Fail fast instead of queueing behind long-running transactions (PostgreSQL).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SET LOCAL lock_timeout = '5s'")
    # The constraint cannot be added while a race (the bug it fixes) left the same
    # address twice: keep the first sign-up, as the service now does.
    op.execute("UPDATE interests SET email = lower(email)")
    op.execute(
        "DELETE FROM interests WHERE EXISTS ("
        " SELECT 1 FROM interests AS earlier"
        " WHERE earlier.question_id = interests.question_id"
        " AND earlier.email = interests.email"
        " AND (earlier.created_at < interests.created_at"
        "  OR (earlier.created_at = interests.created_at"
        "   AND earlier.id < interests.id)))"
    )
    with op.batch_alter_table("interests", schema=None) as batch_op:
        batch_op.create_unique_constraint(
            batch_op.f("uq_interests_question_id_email"), ["question_id", "email"]
        )


def downgrade() -> None:
    with op.batch_alter_table("interests", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_interests_question_id_email"), type_="unique"
        )
