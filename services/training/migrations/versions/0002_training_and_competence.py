"""Workers, training plans (R24, R25), training, competence (R16), warnings, escalations, policy.

Revision ID: 0002
Revises: 0001
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from shared.db import JSONDocument, UTCDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

FAILURES_BEFORE_ESCALATION = 2


def _id() -> sa.Column[Any]:
    return sa.Column("id", sa.Uuid, primary_key=True)


def upgrade() -> None:
    op.create_table(
        "workers",
        _id(),
        sa.Column("organisation", sa.String(200), nullable=False, index=True),
        sa.Column("role", sa.String(100), nullable=False),
        sa.Column("registered_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "training_plans",
        _id(),
        sa.Column("delegation_id", sa.Uuid, nullable=False, unique=True),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("provider_organisation", sa.String(200), nullable=False, index=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("required_on", sa.Date, nullable=False),
        sa.Column("content", JSONDocument, nullable=True),
        sa.Column("backfill_hourly_rate_pence", sa.Integer, nullable=True),
        sa.Column("agreed_on", sa.Date, nullable=True),
        sa.Column("agreed_by", sa.String(200), nullable=True),
    )
    op.create_table(
        "plan_workers",
        sa.Column("plan_id", sa.Uuid, sa.ForeignKey("training_plans.id"), primary_key=True),
        sa.Column("worker_id", sa.Uuid, primary_key=True),
    )
    op.create_table(
        "training_releases",
        _id(),
        sa.Column(
            "plan_id", sa.Uuid, sa.ForeignKey("training_plans.id"), nullable=False, index=True
        ),
        sa.Column("worker_id", sa.Uuid, nullable=False),
        sa.Column("minutes", sa.Integer, nullable=False),
        sa.Column("hourly_rate_pence", sa.Integer, nullable=False),
        sa.Column("cost_pence", sa.Integer, nullable=False),
        sa.Column("released_on", sa.Date, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "live_tasks",
        sa.Column("delegation_id", sa.Uuid, primary_key=True),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("provider_organisation", sa.String(200), nullable=False),
        sa.Column("worker_ids", JSONDocument, nullable=False),
        sa.Column("started_on", sa.Date, nullable=False),
        sa.Column("ended_on", sa.Date, nullable=True),
    )
    op.create_table(
        "training_records",
        _id(),
        sa.Column("worker_id", sa.Uuid, sa.ForeignKey("workers.id"), nullable=False, index=True),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("completed_on", sa.Date, nullable=False),
        sa.Column("delivered_by", sa.String(200), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "competence_assessments",
        _id(),
        sa.Column("worker_id", sa.Uuid, sa.ForeignKey("workers.id"), nullable=False, index=True),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=True),
        sa.Column("provider_organisation", sa.String(200), nullable=False, index=True),
        sa.Column("assessor_id", sa.String(200), nullable=False),
        sa.Column("assessor_role", sa.String(50), nullable=False),
        sa.Column("standard", sa.Text, nullable=False),
        sa.Column("evidence", sa.Text, nullable=False),
        sa.Column("outcome", sa.String(30), nullable=False),
        sa.Column("assessed_on", sa.Date, nullable=False, index=True),
        sa.Column("valid_until", sa.Date, nullable=True),
        sa.Column("reassessment_on", sa.Date, nullable=True),
        sa.Column("further_training", sa.Text, nullable=True),
        sa.Column("attempt", sa.Integer, nullable=False),
        sa.Column("current", sa.Boolean, nullable=False),
        sa.Column("lapsed_on", sa.Date, nullable=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
    )
    op.create_table(
        "competence_warnings",
        _id(),
        sa.Column(
            "assessment_id", sa.Uuid, sa.ForeignKey("competence_assessments.id"), nullable=False
        ),
        sa.Column("worker_id", sa.Uuid, nullable=False),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=True),
        sa.Column("provider_organisation", sa.String(200), nullable=False, index=True),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("days_before", sa.Integer, nullable=False),
        sa.Column("warned_on", sa.Date, nullable=False),
        sa.UniqueConstraint("assessment_id", "days_before"),
    )
    op.create_table(
        "failure_escalations",
        sa.Column(
            "assessment_id",
            sa.Uuid,
            sa.ForeignKey("competence_assessments.id"),
            primary_key=True,
        ),
        sa.Column("worker_id", sa.Uuid, nullable=False),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("provider_organisation", sa.String(200), nullable=False, index=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("escalated_on", sa.Date, nullable=False),
    )
    op.create_table(
        "approved_assessors",
        sa.Column("user_id", sa.String(200), primary_key=True),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("approved_by", sa.String(200), nullable=False),
        sa.Column("approved_on", sa.Date, nullable=False),
    )
    policy = op.create_table(
        "competence_policy",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("failures_before_escalation", sa.Integer, nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
    )
    op.bulk_insert(
        policy,
        [
            {
                "id": 1,
                "failures_before_escalation": FAILURES_BEFORE_ESCALATION,
                "updated_by": "migration",
            }
        ],
    )


def downgrade() -> None:
    for table in (
        "competence_policy",
        "approved_assessors",
        "failure_escalations",
        "competence_warnings",
        "competence_assessments",
        "training_records",
        "live_tasks",
        "training_releases",
        "plan_workers",
        "training_plans",
        "workers",
    ):
        op.drop_table(table)
