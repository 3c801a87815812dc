"""Projection of Framework versions (R29), seeded with version 1 from 1 October 2022.

Revision ID: 0002
Revises: 0001
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "framework_versions",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("effective_from", sa.Date, nullable=False),
    )
    op.bulk_insert(table, [{"version": 1, "effective_from": date(2022, 10, 1)}])


def downgrade() -> None:
    op.drop_table("framework_versions")
