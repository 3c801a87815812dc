"""Handbacks (R18, R20), their IPCB-governed acknowledgement time (1 day), clinical suspension and
notice on delegations, workers who left (R16), funding settlements projected.

Revision ID: 0006
Revises: 0005
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def delegation_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("clinical_suspension_reason", sa.Text, nullable=True),
        sa.Column("clinically_suspended_by", sa.String(200), nullable=True),
        sa.Column("clinically_suspended_on", sa.Date, nullable=True),
        sa.Column("handback_notice_on", sa.Date, nullable=True),
        sa.Column("handback_notice_reason", sa.Text, nullable=True),
        sa.Column("competence_checked_on", sa.Date, nullable=True),
    ]


def upgrade() -> None:
    with op.batch_alter_table("delegations") as batch:
        for column in delegation_columns():
            batch.add_column(column)
    op.create_index("ix_delegations_handback_notice_on", "delegations", ["handback_notice_on"])
    op.create_table(
        "handbacks",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("delegation_id", sa.Uuid, sa.ForeignKey("delegations.id"), nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("direction", sa.String(30), nullable=False),
        sa.Column("oversight_kind", sa.String(40), nullable=False),
        sa.Column("oversight_owner", sa.String(200), nullable=False),
        sa.Column("provider_organisation", sa.String(200), nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("stopped_on", sa.Date, nullable=False),
        sa.Column("acknowledge_by", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("acknowledged_on", sa.Date, nullable=True),
        sa.Column("acknowledged_by", sa.String(200), nullable=True),
        sa.Column("cover", sa.String(40), nullable=True),
        sa.Column("overdue_flagged_on", sa.Date, nullable=True),
        sa.Column("closure", sa.String(20), nullable=True),
        sa.Column("closed_on", sa.Date, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
    )
    op.create_index("ix_handbacks_person_id", "handbacks", ["person_id"])
    op.create_index("ix_handbacks_oversight_owner", "handbacks", ["oversight_owner"])
    op.create_index("ix_handbacks_created_at_id", "handbacks", ["created_at", "id"])
    op.create_index(
        "uq_handbacks_one_unclosed_per_delegation",
        "handbacks",
        ["delegation_id"],
        unique=True,
        postgresql_where=sa.text("status <> 'closed'"),
        sqlite_where=sa.text("status <> 'closed'"),
    )
    policy = op.create_table(
        "handback_policy",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("acknowledge_within_days", sa.Integer, nullable=False),
        sa.Column("updated_at", UTCDateTime, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
    )
    op.bulk_insert(
        policy,
        [
            {
                "id": 1,
                "acknowledge_within_days": 1,
                "updated_at": datetime(2026, 1, 1, tzinfo=UTC),
                "updated_by": "migration",
            }
        ],
    )
    op.create_table(
        "worker_departures",
        sa.Column("delegation_id", sa.Uuid, sa.ForeignKey("delegations.id"), primary_key=True),
        sa.Column("worker_id", sa.Uuid, primary_key=True),
        sa.Column("left_on", sa.Date, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "funding_settlements",
        sa.Column("delegation_id", sa.Uuid, primary_key=True),
        sa.Column("decided_on", sa.Date, nullable=False),
    )


def downgrade() -> None:
    for table in ("funding_settlements", "worker_departures", "handback_policy", "handbacks"):
        op.drop_table(table)
    op.drop_index("ix_delegations_handback_notice_on", "delegations")
    with op.batch_alter_table("delegations") as batch:
        for column in reversed(delegation_columns()):
            batch.drop_column(column.name)
