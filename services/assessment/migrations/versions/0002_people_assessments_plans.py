"""People, equality profiles, assessments, changes in need, consents, support plans, R28 uses.

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
        "people",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("nhs_number", sa.String(10), nullable=False, unique=True),
        sa.Column("local_authority", sa.String(200), nullable=False),
        sa.Column("gp_practice", sa.String(20), nullable=False),
        sa.Column("setting", sa.String(50), nullable=False),
        sa.Column("open_to_community_health_services", sa.Boolean, nullable=False),
        sa.Column("registered_at", UTCDateTime, nullable=False),
        sa.Column("registered_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "equality_profiles",
        sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("characteristics", JSONDocument, nullable=False),
        sa.Column("declared_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "provider_access",
        sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("organisation", sa.String(200), primary_key=True),
    )
    op.create_table(
        "need_changes",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("significant", sa.Boolean, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("recorded_on", sa.Date, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("assessed_by", sa.String(200), nullable=False),
        sa.Column("assessor_role", sa.String(50), nullable=False),
        sa.Column("partner_organisation", sa.String(200), nullable=False),
        sa.Column("assessed_on", sa.Date, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.Column("health_needs", JSONDocument, nullable=False),
        sa.Column("social_care_needs", JSONDocument, nullable=False),
        sa.Column("eligibility", JSONDocument, nullable=True),
        sa.Column("follows_change_id", sa.Uuid, sa.ForeignKey("need_changes.id"), nullable=True),
        sa.Column("superseded_by", sa.Uuid, nullable=True),
    )
    op.create_index(
        "uq_assessments_current_kind",
        "assessments",
        ["person_id", "kind"],
        unique=True,
        postgresql_where=sa.text("superseded_by IS NULL"),
        sqlite_where=sa.text("superseded_by IS NULL"),
    )
    op.create_table(
        "consents",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("delegation_id", sa.Uuid, nullable=True),
        sa.Column("given_by", sa.String(50), nullable=False),
        sa.Column("authority_reference", sa.String(200), nullable=True),
        sa.Column("capacity_assessed_on", sa.Date, nullable=True),
        sa.Column("given_on", sa.Date, nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("withdrawn_on", sa.Date, nullable=True),
        sa.Column("withdrawn_at", UTCDateTime, nullable=True),
        sa.Column("withdrawn_by", sa.String(200), nullable=True),
        sa.Column("withdrawal_reason", sa.Text, nullable=True),
    )
    op.create_table(
        "support_plan_versions",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("plan_id", sa.Uuid, nullable=False),
        sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("visits_per_day", sa.Integer, nullable=True),
        sa.Column("minutes_per_visit", sa.Integer, nullable=True),
        sa.Column("days_per_week", sa.Integer, nullable=True),
        sa.Column("provider_organisation", sa.String(200), nullable=True),
        sa.Column("tasks", JSONDocument, nullable=False),
        sa.Column("consent_ids", JSONDocument, nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
        sa.UniqueConstraint("person_id", "version"),
    )
    op.create_table(
        "framework_uses",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("person_id", sa.Uuid, nullable=False, index=True),
        sa.Column("measure", sa.String(30), nullable=False),
        sa.Column("source_id", sa.Uuid, nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.UniqueConstraint("measure", "source_id"),
    )
    op.create_table(
        "equality_reports",
        sa.Column("report_id", sa.Uuid, primary_key=True),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("compiled_at", UTCDateTime, nullable=False),
    )


def downgrade() -> None:
    for table in (
        "equality_reports",
        "framework_uses",
        "support_plan_versions",
        "consents",
        "assessments",
        "need_changes",
        "provider_access",
        "equality_profiles",
        "people",
    ):
        op.drop_table(table)
