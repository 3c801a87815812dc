"""Compare-and-set on proposals, delegations and reviews (a version each); a review's state.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

VERSIONED = ("proposals", "delegations", "reviews")


def upgrade() -> None:
    # batch_alter_table copies the table on SQLite when it must; on PostgreSQL it is plain ALTER.
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("status", sa.String(20), nullable=False, server_default="due"))
    op.execute("UPDATE reviews SET status = 'completed' WHERE completed_on IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("status")
    for table in reversed(VERSIONED):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
