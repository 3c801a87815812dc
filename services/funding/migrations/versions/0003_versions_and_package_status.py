"""A version on each aggregate (compare-and-set), and a joint package's state.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

VERSIONED = ("funded_delegations", "funding_segments", "joint_packages", "disputes")


def upgrade() -> None:
    # A plain ADD COLUMN with a constant default works on PostgreSQL and SQLite alike.
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    op.add_column(
        "joint_packages",
        sa.Column("status", sa.String(20), nullable=False, server_default="agreed"),
    )
    op.execute(
        "UPDATE joint_packages SET status = 'in_dispute' WHERE id IN "
        "(SELECT package_id FROM disputes WHERE status = 'open')"
    )


def downgrade() -> None:
    with op.batch_alter_table("joint_packages") as batch:
        batch.drop_column("status")
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
