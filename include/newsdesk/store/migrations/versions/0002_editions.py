"""Editions and their immutable revisions (snapshots the render reads).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "editions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key", "kind", name="uq_editions_key_kind"),
    )
    op.create_table(
        "edition_revisions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("snapshot", sa.Text(), nullable=False),
        sa.Column("snapshot_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status_changed_by", sa.String(length=200), nullable=True),
        sa.Column("status_changed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["edition_id"], ["editions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("edition_id", "number", name="uq_edition_revisions_number"),
    )
    with op.batch_alter_table("edition_revisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_edition_revisions_edition_id"), ["edition_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("edition_revisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_edition_revisions_edition_id"))
    op.drop_table("edition_revisions")
    op.drop_table("editions")
