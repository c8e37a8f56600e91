"""Public app: requests counted per hashed address or client IP and hour (rate limit).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "public_rate_limits",
        sa.Column("key", sa.String(length=80), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start"),
    )
    op.create_index("ix_public_rate_limits_window", "public_rate_limits", ["window_start"])


def downgrade() -> None:
    op.drop_index("ix_public_rate_limits_window", table_name="public_rate_limits")
    op.drop_table("public_rate_limits")
