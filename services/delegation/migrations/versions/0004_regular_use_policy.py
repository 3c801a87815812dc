"""R23's threshold as IPCB-governed data: 3 ad hoc occurrences in 28 days have become regular.

Revision ID: 0004
Revises: 0003
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "regular_use_policy",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("threshold", sa.Integer, nullable=False),
        sa.Column("period_days", sa.Integer, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
    )
    op.bulk_insert(
        table,
        [
            {
                "id": 1,
                "threshold": 3,
                "period_days": 28,
                "updated_at": datetime(2022, 10, 1, tzinfo=UTC),
                "updated_by": "migration",
            }
        ],
    )


def downgrade() -> None:
    op.drop_table("regular_use_policy")
