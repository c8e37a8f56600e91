"""Delivery pauses (a broken relay stops every batch of an edition); one test copy per
revision and editor.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_pauses",
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("paused_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["edition_id"], ["editions.id"]),
        sa.PrimaryKeyConstraint("edition_id"),
    )
    op.create_index("uq_test_copies_revision_subscriber", "test_copies",
                    ["revision_id", "subscriber_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_test_copies_revision_subscriber", table_name="test_copies")
    op.drop_table("delivery_pauses")
