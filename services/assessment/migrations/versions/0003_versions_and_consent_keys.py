"""A version on each aggregate (compare-and-set), and Idempotency-Keys on consent.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

VERSIONED = ("people", "assessments", "consents")
CONSENT_KEYS = ("idempotency_key", "withdrawal_idempotency_key")


def upgrade() -> None:
    # A plain ADD COLUMN with a constant default works on PostgreSQL and SQLite alike.
    for table in VERSIONED:
        op.add_column(table, sa.Column("version", sa.Integer, nullable=False, server_default="1"))
    for key in CONSENT_KEYS:
        op.add_column("consents", sa.Column(key, sa.String(200), nullable=True))
        op.create_index(f"ix_consents_{key}", "consents", [key], unique=True)


def downgrade() -> None:
    for key in CONSENT_KEYS:
        op.drop_index(f"ix_consents_{key}", "consents")
        with op.batch_alter_table("consents") as batch:
            batch.drop_column(key)
    for table in VERSIONED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("version")
