"""Health cover after a handback (R18, R20), the s.22 test on funded delegations (R11), and the
Framework versions with the version each funding decision and settlement was made under (R29).

Revision ID: 0004
Revises: 0003
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

NULLABLE_COLUMNS: tuple[tuple[str, sa.Column[object]], ...] = (
    ("funded_delegations", sa.Column("section_22_met", sa.Boolean, nullable=True)),
    ("funded_delegations", sa.Column("payer_reason", sa.String(200), nullable=True)),
    ("funded_delegations", sa.Column("framework_version", sa.Integer, nullable=True)),
    ("funding_segments", sa.Column("cover_id", sa.Uuid, nullable=True)),
    ("joint_packages", sa.Column("delegation_id", sa.Uuid, nullable=True)),
    ("disputes", sa.Column("framework_version", sa.Integer, nullable=True)),
    ("settlements", sa.Column("framework_version", sa.Integer, nullable=True)),
)


def upgrade() -> None:
    versions = op.create_table(
        "framework_versions",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("effective_from", sa.Date, nullable=False),
    )
    # R29: version 1 superseded the 2014 Protocol on 1 October 2022.
    op.bulk_insert(versions, [{"version": 1, "effective_from": date(2022, 10, 1)}])
    op.create_table(
        "health_covers",
        sa.Column("handback_id", sa.Uuid, primary_key=True),
        sa.Column(
            "delegation_id",
            sa.Uuid,
            sa.ForeignKey("funded_delegations.delegation_id"),
            nullable=False,
            index=True,
        ),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("reason", sa.String(50), nullable=False),
        sa.Column("oversight_owner", sa.String(200), nullable=False),
        sa.Column("stopped_on", sa.Date, nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("funding", sa.String(20), nullable=False),
        sa.Column("payer", sa.String(200), nullable=False),
        sa.Column("closure", sa.String(20), nullable=True),
        sa.Column("closed_on", sa.Date, nullable=True),
        sa.Column("decided_on", sa.Date, nullable=True),
        sa.Column("framework_version", sa.Integer, nullable=True),
        sa.Column("opened_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    )
    for table, column in NULLABLE_COLUMNS:
        op.add_column(table, column)
    op.create_index("ix_funding_segments_cover_id", "funding_segments", ["cover_id"])


def downgrade() -> None:
    op.drop_index("ix_funding_segments_cover_id", "funding_segments")
    for table, column in reversed(NULLABLE_COLUMNS):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(column.name)
    op.drop_table("health_covers")
    op.drop_table("framework_versions")
