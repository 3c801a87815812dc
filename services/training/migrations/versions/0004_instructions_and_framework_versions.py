"""Instructions for tasks needing no specific training (R16, A 5.13); Framework versions (R29).

Revision ID: 0004
Revises: 0003
"""

from datetime import date

import sqlalchemy as sa
from alembic import op

from shared.db import JSONDocument, UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    versions = op.create_table(
        "framework_versions",
        sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("effective_from", sa.Date, nullable=False),
    )
    op.bulk_insert(versions, [{"version": 1, "effective_from": date(2022, 10, 1)}])
    with op.batch_alter_table("competence_assessments") as batch:
        batch.add_column(sa.Column("framework_version", sa.Integer, nullable=True))
    op.create_table(
        "instruction_requirements",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("delegation_id", sa.Uuid, nullable=False, unique=True),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("provider_organisation", sa.String(200), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("required_on", sa.Date, nullable=False),
        sa.Column("worker_ids", JSONDocument, nullable=False),
        sa.Column("version", sa.Integer, nullable=False, server_default=sa.text("1")),
    )
    op.create_table(
        "instructions",
        sa.Column(
            "requirement_id",
            sa.Uuid,
            sa.ForeignKey("instruction_requirements.id"),
            primary_key=True,
        ),
        sa.Column("worker_id", sa.Uuid, primary_key=True),
        sa.Column("instructed_by", sa.String(200), nullable=False),
        sa.Column("instructor_role", sa.String(50), nullable=False),
        sa.Column("instructed_on", sa.Date, nullable=False),
        sa.Column("covered", JSONDocument, nullable=False),
        sa.Column("notes", sa.Text, nullable=True),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("instructions")
    op.drop_table("instruction_requirements")
    with op.batch_alter_table("competence_assessments") as batch:
        batch.drop_column("framework_version")
    op.drop_table("framework_versions")
