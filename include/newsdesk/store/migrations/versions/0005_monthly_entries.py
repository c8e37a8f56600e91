"""Monthly update: the entries editors add by hand (missions, visits, meetings on no website).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "monthly_entries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("paragraphs", sa.Text(), nullable=False),
        sa.Column("list_items", sa.Text(), nullable=False),
        sa.Column("list_after", sa.Integer(), nullable=True),
        sa.Column("more_details_url", sa.Text(), nullable=True),
        sa.Column("more_details_text", sa.Text(), nullable=True),
        sa.Column("parent_key", sa.String(length=100), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("month", "key", name="uq_monthly_entries_month_key"),
    )
    op.create_index("ix_monthly_entries_month", "monthly_entries", ["month"])


def downgrade() -> None:
    op.drop_index("ix_monthly_entries_month", table_name="monthly_entries")
    op.drop_table("monthly_entries")
