"""Instruction records for tasks needing no specific training (R16, A 5.13); consent given for
one provider (R7); current health needs a proposal may cite (R4).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

from shared.db import JSONDocument

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
    op.create_table(
        "health_needs",
        sa.Column("need_id", sa.Uuid, primary_key=True),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("assessment_id", sa.Uuid, nullable=False),
        sa.Column("task_codes", JSONDocument, nullable=False),
    )
    op.create_index("ix_health_needs_person_id", "health_needs", ["person_id"])
    op.create_index("ix_health_needs_assessment_id", "health_needs", ["assessment_id"])
    with op.batch_alter_table("proposals") as batch:
        batch.add_column(sa.Column("health_need_id", sa.Uuid, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("proposals") as batch:
        batch.drop_column("health_need_id")
    op.drop_index("ix_health_needs_assessment_id", "health_needs")
    op.drop_index("ix_health_needs_person_id", "health_needs")
    op.drop_table("health_needs")
    with op.batch_alter_table("consents") as batch:
        batch.drop_column("provider_organisation")
    op.drop_table("instructions")
