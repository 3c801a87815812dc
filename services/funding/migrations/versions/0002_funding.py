"""Rates, funded delegations and their segments, funding gaps, joint packages, disputes and
settlements (R19-R22).

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from shared.db import JSONDocument, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rates",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("provider_organisation", sa.String(200), nullable=False, index=True),
        sa.Column("hourly_rate_pence", sa.Integer, nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint(
            "provider_organisation", "effective_from", name="uq_rates_provider_organisation"
        ),
    )
    op.create_table(
        "funded_delegations",
        sa.Column("delegation_id", sa.Uuid, primary_key=True),
        sa.Column("person_id", sa.Uuid, nullable=False, index=True),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("category", sa.String(100), nullable=False),
        sa.Column("direction", sa.String(50), nullable=False),
        sa.Column("accountable_organisation", sa.String(200), nullable=False),
        sa.Column("local_authority", sa.String(200), nullable=False),
        sa.Column("provider_organisation", sa.String(200), nullable=False),
        sa.Column("minutes_per_week", sa.Integer, nullable=False),
        sa.Column("start_date", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("payer", sa.String(200), nullable=False),
        sa.Column("funding_pending", sa.Boolean, nullable=False),
        sa.Column("decided_on", sa.Date, nullable=True),
    )
    op.create_table(
        "funding_segments",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column(
            "delegation_id",
            sa.Uuid,
            sa.ForeignKey("funded_delegations.delegation_id"),
            nullable=False,
            index=True,
        ),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("payer", sa.String(200), nullable=False, index=True),
        sa.Column("provider_organisation", sa.String(200), nullable=False, index=True),
        sa.Column("minutes_per_week", sa.Integer, nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("effective_to", sa.Date, nullable=True),
        sa.Column("without_prejudice", sa.Boolean, nullable=False),
        sa.Column("accrues_from", sa.Date, nullable=False),
        sa.Column("awaiting_rate", sa.Boolean, nullable=False),
        sa.Column("cause", sa.String(50), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "funding_gaps",
        sa.Column("delegation_id", sa.Uuid, primary_key=True),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("declared_by", sa.String(200), nullable=False),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("declared_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "joint_packages",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("person_id", sa.Uuid, nullable=False, index=True),
        sa.Column("setting", sa.String(50), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "package_terms",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column(
            "package_id", sa.Uuid, sa.ForeignKey("joint_packages.id"), nullable=False, index=True
        ),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("weekly_cost_pence", sa.Integer, nullable=False),
        sa.Column("shares", JSONDocument, nullable=False),
        sa.Column("cause", sa.String(50), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("package_id", "effective_from", name="uq_package_terms_package_id"),
    )
    op.create_table(
        "disputes",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column(
            "package_id", sa.Uuid, sa.ForeignKey("joint_packages.id"), nullable=False, index=True
        ),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("raised_by", sa.String(200), nullable=False),
        sa.Column("raised_by_user", sa.String(200), nullable=False),
        sa.Column("parties", JSONDocument, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("raised_on", sa.Date, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("outcome", JSONDocument, nullable=True),
        sa.Column("effective_from", sa.Date, nullable=True),
        sa.Column("resolved_on", sa.Date, nullable=True),
    )
    op.create_table(
        "settlements",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("source_id", sa.Uuid, nullable=False, index=True),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("payer", sa.String(200), nullable=False, index=True),
        sa.Column("payee", sa.String(200), nullable=False, index=True),
        sa.Column("amount_pence", sa.Integer, nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("settled_on", sa.Date, nullable=False),
        sa.Column("lines", JSONDocument, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "settlements",
        "disputes",
        "package_terms",
        "joint_packages",
        "funding_gaps",
        "funding_segments",
        "funded_delegations",
        "rates",
    ):
        op.drop_table(table)
