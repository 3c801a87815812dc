"""Recharge statements for finance systems: issued periods, frozen, and each organisation's own
finance codes (its reference for a provider, its cost code for a service element).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from shared.db import JSONDocument, UTCDateTime

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recharge_statements",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("organisation", sa.String(200), nullable=False, index=True),
        sa.Column("cadence", sa.String(20), nullable=False),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("document", JSONDocument, nullable=False),
        sa.Column("total_pence", sa.Integer, nullable=False),
        sa.Column("issued_by", sa.String(200), nullable=False),
        sa.Column("issued_at", UTCDateTime, nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True),
        sa.UniqueConstraint(
            "organisation", "period_start", name="uq_recharge_statements_organisation"
        ),
        sa.UniqueConstraint("idempotency_key", name="uq_recharge_statements_idempotency_key"),
    )
    op.create_table(
        "finance_codes",
        sa.Column("organisation", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(20), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("code", sa.String(50), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("finance_codes")
    op.drop_table("recharge_statements")
