"""Instruction records for tasks needing no specific training (R16, A 5.13); consent given for
one provider (R7).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "instructions",
        sa.Column("delegation_id", sa.Uuid, primary_key=True),
        sa.Column("worker_id", sa.Uuid, primary_key=True),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("instructed_on", sa.Date, nullable=False),
    )
    with op.batch_alter_table("consents") as batch:
        batch.add_column(sa.Column("provider_organisation", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("consents") as batch:
        batch.drop_column("provider_organisation")
    op.drop_table("instructions")
