"""Review: the audit trail of revision states, one approved revision per edition, editors' edits.

"sent" was stored as a review status before; it is a delivery fact (the delivery ledger owns
it), so such revisions become "approved", which is what they were before they were sent.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_APPROVED = sa.text("status = 'approved'")


def upgrade() -> None:
    op.execute("UPDATE edition_revisions SET status = 'approved' WHERE status = 'sent'")
    op.create_table(
        "revision_transitions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=24), nullable=True),
        sa.Column("to_status", sa.String(length=24), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("content_sha256", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["revision_id"], ["edition_revisions.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_revision_transitions_revision_id", "revision_transitions",
                    ["revision_id"])
    # What the old status_changed_* columns knew moves into the trail before they go.
    op.execute(
        "INSERT INTO revision_transitions "
        "(revision_id, from_status, to_status, actor, at, reason, content_sha256) "
        "SELECT id, NULL, 'draft', created_by, created_at, note, snapshot_sha256 "
        "FROM edition_revisions")
    op.execute(
        "INSERT INTO revision_transitions "
        "(revision_id, from_status, to_status, actor, at, reason, content_sha256) "
        "SELECT id, 'draft', status, status_changed_by, status_changed_at, NULL, "
        "snapshot_sha256 FROM edition_revisions "
        "WHERE status <> 'draft' AND status_changed_by IS NOT NULL")
    op.create_table(
        "edition_edits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("edition_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=32), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["edition_id"], ["editions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("edition_id", "target", "field", name="uq_edition_edits_decision"),
    )
    op.create_index("ix_edition_edits_edition_id", "edition_edits", ["edition_id"])
    with op.batch_alter_table("edition_revisions", schema=None) as batch_op:
        batch_op.alter_column("status", type_=sa.String(length=24),
                              existing_type=sa.String(length=16), existing_nullable=False)
        batch_op.add_column(sa.Column("check_findings", sa.Text(), nullable=False,
                                      server_default="[]"))
        batch_op.drop_column("status_changed_by")
        batch_op.drop_column("status_changed_at")
    with op.batch_alter_table("edition_revisions", schema=None) as batch_op:
        batch_op.alter_column("check_findings", server_default=None,
                              existing_type=sa.Text(), existing_nullable=False)
    op.create_index("uq_edition_revisions_one_approved", "edition_revisions", ["edition_id"],
                    unique=True, sqlite_where=_APPROVED, postgresql_where=_APPROVED)


def downgrade() -> None:
    op.drop_index("uq_edition_revisions_one_approved", table_name="edition_revisions")
    with op.batch_alter_table("edition_revisions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status_changed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("status_changed_by", sa.String(length=200),
                                      nullable=True))
        batch_op.drop_column("check_findings")
        batch_op.alter_column("status", type_=sa.String(length=16),
                              existing_type=sa.String(length=24), existing_nullable=False)
    op.drop_index("ix_edition_edits_edition_id", table_name="edition_edits")
    op.drop_table("edition_edits")
    op.drop_index("ix_revision_transitions_revision_id", table_name="revision_transitions")
    op.drop_table("revision_transitions")
