"""Every state change is a compare-and-set: a version on members, issues, discussions, cases, reports.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

VERSIONED = (
    "board_members",
    "reported_issues",
    "shared_care_discussions",
    "dispute_cases",
    "equality_reports",
)


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.add_column(
                sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1"))
            )


def downgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
