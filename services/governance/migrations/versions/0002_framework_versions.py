"""Framework versions (R29), seeded with version 1, in force from 1 October 2022.

Revision ID: 0002
Revises: 0001
"""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "framework_versions",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("effective_from", sa.Date, nullable=False, unique=True),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("published_at", UTCDateTime, nullable=False),
        sa.Column("published_by", sa.String(200), nullable=False),
    )
    op.bulk_insert(
        table,
        [
            {
                "version": 1,
                "effective_from": date(2022, 10, 1),
                "summary": "Version 1 of the LLR Framework; supersedes the 2014 Protocol",
                "published_at": datetime(2022, 10, 1, tzinfo=UTC),
                "published_by": "migration",
            }
        ],
    )


def downgrade() -> None:
    op.drop_table("framework_versions")
