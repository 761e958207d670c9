"""a national network: offers serve several cities; cities' focus themes per year

Revision ID: 66ce19603ca2
Revises: 7c2e9a4b1d63
Create Date: 2026-12-08 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "66ce19603ca2"
down_revision: str | None = "7c2e9a4b1d63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Fail fast instead of queueing behind long-running transactions (PostgreSQL).
    if op.get_bind().dialect.name == "postgresql":
        op.execute("SET LOCAL lock_timeout = '5s'")
    op.create_table(
        "offer_municipalities",
        sa.Column("offer_id", sa.Uuid(), nullable=False),
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_offer_municipalities_municipality_id_municipalities"),
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offers.id"],
            name=op.f("fk_offer_municipalities_offer_id_offers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "offer_id", "municipality_id", name=op.f("pk_offer_municipalities")
        ),
    )
    with op.batch_alter_table("offer_municipalities", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_offer_municipalities_municipality_id"),
            ["municipality_id"],
            unique=False,
        )
    # Every existing offer keeps serving its own city.
    op.execute(
        "INSERT INTO offer_municipalities (offer_id, municipality_id) "
        "SELECT id, municipality_id FROM offers"
    )
    op.create_table(
        "municipality_focus_themes",
        sa.Column("municipality_id", sa.Uuid(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("theme_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_municipality_focus_themes_municipality_id_municipalities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["theme_id"],
            ["themes.id"],
            name=op.f("fk_municipality_focus_themes_theme_id_themes"),
        ),
        sa.PrimaryKeyConstraint(
            "municipality_id",
            "year",
            "theme_id",
            name=op.f("pk_municipality_focus_themes"),
        ),
    )
    with op.batch_alter_table("municipality_focus_themes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_municipality_focus_themes_theme_id"),
            ["theme_id"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("municipality_focus_themes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_municipality_focus_themes_theme_id"))
    op.drop_table("municipality_focus_themes")
    with op.batch_alter_table("offer_municipalities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_municipalities_municipality_id"))
    op.drop_table("offer_municipalities")
