"""Task catalogue (R10, seeded), projections, proposals, decisions, delegations, reviews.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

from shared.db import JSONDocument, UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TASKS = [
    (
        "iv-drug-administration",
        "Intravenous drug administration",
        "specialised_medication_administration",
        "never",
    ),
    (
        "syringe-driver",
        "Syringe driver management",
        "specialised_medication_administration",
        "never",
    ),
    (
        "urinary-catheter-insertion-removal",
        "Insertion or removal of a urinary catheter",
        "bladder_and_bowel_care",
        "never",
    ),
    (
        "complex-wound-dressing",
        "Complex wound dressing",
        "compromised_skin_integrity_and_wound_care",
        "case_by_case",
    ),
    ("medication-prompt", "Medication prompt", "other", "routine"),
    ("eye-drops", "Eye drops", "specialised_medication_administration", "routine"),
    (
        "topical-cream",
        "Topical (e.g. steroid) cream application",
        "compromised_skin_integrity_and_wound_care",
        "routine",
    ),
    (
        "pressure-area-care",
        "Pressure area care",
        "compromised_skin_integrity_and_wound_care",
        "routine",
    ),
    ("blood-glucose-monitoring", "Blood glucose monitoring", "vital_signs_monitoring", "routine"),
    ("blood-pressure-monitoring", "Blood pressure monitoring", "vital_signs_monitoring", "routine"),
    ("peg-feeding", "PEG feeding", "feeding_and_digestive_care", "routine"),
    (
        "catheter-care",
        "Urinary catheter care (not insertion or removal)",
        "bladder_and_bowel_care",
        "routine",
    ),
    ("stoma-care", "Stoma care", "bladder_and_bowel_care", "routine"),
    ("oral-suction", "Oral suction", "airways_and_breathing_care", "case_by_case"),
    ("nebuliser", "Nebuliser administration", "airways_and_breathing_care", "routine"),
    (
        "hoisting-complex-positioning",
        "Complex positioning and hoisting",
        "complex_posture_and_mobility_care",
        "routine",
    ),
    ("compression-stockings", "Compression stockings", "other", "routine"),
    ("personal-care-washing", "Personal care: washing", "social_care", "social_care_only"),
    ("meal-preparation", "Meal preparation", "social_care", "social_care_only"),
    ("dressing-assistance", "Help with dressing", "social_care", "social_care_only"),
]


def upgrade() -> None:
    tasks = op.create_table(
        "tasks",
        sa.Column("code", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(60), nullable=False),
        sa.Column("delegability", sa.String(30), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
    )
    op.bulk_insert(
        tasks,
        [
            {"code": c, "name": n, "category": cat, "delegability": d, "active": True}
            for c, n, cat, d in TASKS
        ],
    )
    op.create_table(
        "people",
        sa.Column("person_id", sa.Uuid, primary_key=True),
        sa.Column("local_authority", sa.String(200), nullable=False),
        sa.Column("gp_practice", sa.String(50), nullable=False),
        sa.Column("setting", sa.String(40), nullable=False),
        sa.Column("open_to_chs", sa.Boolean, nullable=False),
    )
    op.create_table(
        "consents",
        sa.Column("consent_id", sa.Uuid, primary_key=True),
        sa.Column("person_id", sa.Uuid, nullable=False, index=True),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("delegation_id", sa.Uuid, nullable=True),
        sa.Column("withdrawn", sa.Boolean, nullable=False),
    )
    op.create_table(
        "competences",
        sa.Column("worker_id", sa.Uuid, primary_key=True),
        sa.Column("task_code", sa.String(100), primary_key=True),
        sa.Column("scope", sa.String(40), primary_key=True),
        sa.Column("competent", sa.Boolean, nullable=False),
        sa.Column("valid_until", sa.Date, nullable=True),
    )
    op.create_table(
        "training_plans",
        sa.Column("delegation_id", sa.Uuid, primary_key=True),
        sa.Column("worker_id", sa.Uuid, primary_key=True),
        sa.Column("plan_id", sa.Uuid, nullable=False),
    )
    op.create_table(
        "proposals",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("person_id", sa.Uuid, nullable=False, index=True),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("category", sa.String(60), nullable=False),
        sa.Column("direction", sa.String(30), nullable=False),
        sa.Column("setting", sa.String(40), nullable=False),
        sa.Column("practitioner_id", sa.String(200), nullable=False),
        sa.Column("professional_body", sa.String(20), nullable=False),
        sa.Column("registration_number", sa.String(40), nullable=False),
        sa.Column("provider_organisation", sa.String(200), nullable=False),
        sa.Column("frequency", sa.String(200), nullable=False),
        sa.Column("additional_minutes_per_week", sa.Integer, nullable=False),
        sa.Column("contact_arrangements", sa.Text, nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("submitted_on", sa.Date, nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
        sa.Column("shared_care_conditions", JSONDocument, nullable=True),
    )
    op.create_table(
        "decisions",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("proposal_id", sa.Uuid, sa.ForeignKey("proposals.id"), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("record", JSONDocument, nullable=False),
        sa.Column("framework_version", sa.Integer, nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=False),
        sa.UniqueConstraint("proposal_id", "source", name="uq_decisions_proposal_id_source"),
    )
    op.create_table(
        "delegations",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column(
            "proposal_id", sa.Uuid, sa.ForeignKey("proposals.id"), nullable=False, unique=True
        ),
        sa.Column("person_id", sa.Uuid, nullable=False, index=True),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("category", sa.String(60), nullable=False),
        sa.Column("direction", sa.String(30), nullable=False),
        sa.Column("setting", sa.String(40), nullable=False),
        sa.Column("provider_organisation", sa.String(200), nullable=False, index=True),
        sa.Column("practitioner_id", sa.String(200), nullable=False),
        sa.Column("professional_body", sa.String(20), nullable=False),
        sa.Column("registration_number", sa.String(40), nullable=False),
        sa.Column("additional_minutes_per_week", sa.Integer, nullable=False),
        sa.Column("frequency", sa.String(200), nullable=False),
        sa.Column("contact_arrangements", sa.Text, nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("framework_version", sa.Integer, nullable=False),
        sa.Column("nhs_duty_of_care_retained", sa.Boolean, nullable=False),
        sa.Column("worker_ids", JSONDocument, nullable=False),
        sa.Column("accepted_on", sa.Date, nullable=True),
        sa.Column("declined_reason", sa.Text, nullable=True),
        sa.Column("accountable_organisation", sa.String(200), nullable=True),
        sa.Column("local_authority", sa.String(200), nullable=True),
        sa.Column("oversight_kind", sa.String(40), nullable=True),
        sa.Column("oversight_owner", sa.String(200), nullable=True),
        sa.Column("start_date", sa.Date, nullable=True),
        sa.Column("suspension_reason", sa.String(40), nullable=True),
        sa.Column("ended_on", sa.Date, nullable=True),
        sa.Column("end_reason", sa.Text, nullable=True),
        sa.Column("regular_reviews_raised", sa.Integer, nullable=False),
        sa.Column("next_review_due", sa.Date, nullable=True, index=True),
        sa.Column("reevaluation_flagged_on", sa.Date, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "reviews",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("delegation_id", sa.Uuid, sa.ForeignKey("delegations.id"), nullable=False),
        sa.Column("trigger", sa.String(80), nullable=False),
        sa.Column("due_date", sa.Date, nullable=False),
        sa.Column("reason", sa.String(40), nullable=False),
        sa.Column("mdt_reassessment", sa.Boolean, nullable=False),
        sa.Column("completed_on", sa.Date, nullable=True),
        sa.Column("outcome", sa.String(30), nullable=True),
        sa.Column("notes", sa.Text, nullable=True),
        sa.UniqueConstraint("delegation_id", "trigger", name="uq_reviews_delegation_id_trigger"),
    )
    op.create_table(
        "occurrences",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column(
            "delegation_id", sa.Uuid, sa.ForeignKey("delegations.id"), nullable=False, index=True
        ),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
    )


def downgrade() -> None:
    for table in (
        "occurrences",
        "reviews",
        "delegations",
        "decisions",
        "proposals",
        "training_plans",
        "competences",
        "consents",
        "people",
        "tasks",
    ):
        op.drop_table(table)
