"""R21: a joint package records the NHS Continuing Healthcare outcome, is reviewed (A 5.14) and
can end; R22: a dispute is about a subject (a joint package, an apportionment or a
without-prejudice decision), so its package is no longer required.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

PACKAGE_COLUMNS: tuple[sa.Column[object], ...] = (
    sa.Column("chc_outcome", sa.String(20), nullable=True),
    sa.Column("chc_decided_on", sa.Date, nullable=True),
    sa.Column("review_due", sa.Date, nullable=True),
    sa.Column("ends_on", sa.Date, nullable=True),
    sa.Column("end_reason", sa.String(30), nullable=True),
)


def upgrade() -> None:
    for column in PACKAGE_COLUMNS:
        op.add_column("joint_packages", column)
    op.create_index("ix_joint_packages_review_due", "joint_packages", ["review_due"])
    op.create_table(
        "package_reviews",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column(
            "package_id", sa.Uuid, sa.ForeignKey("joint_packages.id"), nullable=False, index=True
        ),
        sa.Column("reviewed_on", sa.Date, nullable=False),
        sa.Column("next_review_due", sa.Date, nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    # Every dispute before this revision was about a joint package.
    op.add_column(
        "disputes",
        sa.Column("subject_kind", sa.String(30), nullable=False, server_default="joint_package"),
    )
    op.add_column("disputes", sa.Column("subject_id", sa.Uuid, nullable=True))
    op.execute("UPDATE disputes SET subject_id = package_id")
    with op.batch_alter_table("disputes") as batch:
        batch.alter_column("subject_kind", existing_type=sa.String(30), server_default=None)
        batch.alter_column("subject_id", existing_type=sa.Uuid, nullable=False)
        batch.alter_column("package_id", existing_type=sa.Uuid, nullable=True)
    op.create_index("ix_disputes_subject_id", "disputes", ["subject_id"])


def downgrade() -> None:
    op.drop_index("ix_disputes_subject_id", "disputes")
    op.execute(
        "DELETE FROM settlements WHERE kind = 'dispute' AND source_id IN "
        "(SELECT id FROM disputes WHERE package_id IS NULL)"
    )
    op.execute("DELETE FROM disputes WHERE package_id IS NULL")
    with op.batch_alter_table("disputes") as batch:
        batch.alter_column("package_id", existing_type=sa.Uuid, nullable=False)
        batch.drop_column("subject_id")
        batch.drop_column("subject_kind")
    op.drop_table("package_reviews")
    op.drop_index("ix_joint_packages_review_due", "joint_packages")
    # In place on both dialects: SQLite's batch mode would recreate a table others refer to.
    for column in reversed(PACKAGE_COLUMNS):
        op.execute(f"ALTER TABLE joint_packages DROP COLUMN {column.name}")
