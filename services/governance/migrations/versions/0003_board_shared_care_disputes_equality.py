"""The board (R27), Shared Care (R14), disputes (R22) and equality monitoring (R28).

Seeds the partner organisations of R2 as data.

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

PARTNERS = [
    ("LLR-ICB", "Leicester, Leicestershire and Rutland Integrated Care Board", "icb"),
    ("LEICESTER-CITY-COUNCIL", "Leicester City Council", "local_authority"),
    ("LEICESTERSHIRE-COUNTY-COUNCIL", "Leicestershire County Council", "local_authority"),
    ("RUTLAND-COUNTY-COUNCIL", "Rutland County Council", "local_authority"),
    ("LPT", "Leicestershire Partnership NHS Trust", "nhs_trust"),
    ("MLCSU", "Midlands and Lancashire Commissioning Support Unit", "csu"),
    ("PRIMARY-CARE", "Primary Care (GP practices and PCNs)", "primary_care"),
    ("INDEPENDENT-SECTOR", "Independent sector providers", "independent_sector"),
]


def _recorded() -> list[sa.Column[object]]:
    return [
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
    ]


def upgrade() -> None:
    partners = op.create_table(
        "partner_organisations",
        sa.Column("code", sa.String(100), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(50), nullable=False),
    )
    op.bulk_insert(partners, [{"code": c, "name": n, "kind": k} for c, n, k in PARTNERS])
    op.create_table(
        "board_members",
        sa.Column("member_id", sa.Uuid, primary_key=True),
        sa.Column(
            "organisation",
            sa.String(100),
            sa.ForeignKey("partner_organisations.code"),
            nullable=False,
            unique=True,
        ),
        sa.Column("member_ref", sa.String(200), nullable=False),
        sa.Column("role_title", sa.String(200), nullable=False),
        sa.Column("appointed_on", sa.Date, nullable=False),
        *_recorded(),
    )
    op.create_table(
        "reported_issues",
        sa.Column("issue_id", sa.Uuid, primary_key=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("reported_by", sa.String(200), nullable=False),
        sa.Column("reporter_organisation", sa.String(100), nullable=False),
        sa.Column("reported_at", UTCDateTime, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("agreed_handling", sa.Text, nullable=True),
        sa.Column("outcome", sa.Text, nullable=True),
        sa.Column("outcome_ruling_id", sa.Uuid, nullable=True),
        sa.Column("updated_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "rulings",
        sa.Column("ruling_id", sa.Uuid, primary_key=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("catalogue_changes", JSONDocument, nullable=False),
        sa.Column("issued_at", UTCDateTime, nullable=False),
        sa.Column("issued_by", sa.String(200), nullable=False),
    )
    op.create_table(
        "new_areas",
        sa.Column("area_id", sa.Uuid, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False, unique=True),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("proposed_by", sa.String(100), nullable=False),
        sa.Column("identified_on", sa.Date, nullable=False),
        *_recorded(),
    )
    op.create_table(
        "shared_care_themes",
        sa.Column("theme_id", sa.Uuid, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False, unique=True),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        *_recorded(),
    )
    _create_shared_care()
    _create_disputes()
    _create_monitoring()


def _create_shared_care() -> None:
    op.create_table(
        "shared_care_discussions",
        sa.Column("discussion_id", sa.Uuid, primary_key=True),
        sa.Column("proposal_id", sa.Uuid, nullable=False, unique=True),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("category", sa.String(100), nullable=False),
        sa.Column("direction", sa.String(50), nullable=False),
        sa.Column("setting", sa.String(50), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("positions", JSONDocument, nullable=False),
        sa.Column("opened_at", UTCDateTime, nullable=False),
        sa.Column("decision", sa.String(50), nullable=True),
        sa.Column("conditions", JSONDocument, nullable=True),
        sa.Column("rationale", sa.Text, nullable=True),
        sa.Column("circumstances", sa.Text, nullable=True),
        sa.Column("participants", JSONDocument, nullable=True),
        sa.Column("decided_on", sa.Date, nullable=True),
        sa.Column("decided_by", sa.String(200), nullable=True),
    )
    op.create_table(
        "case_examples",
        sa.Column("case_example_id", sa.Uuid, primary_key=True),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("category", sa.String(100), nullable=False),
        sa.Column("direction", sa.String(50), nullable=False),
        sa.Column("setting", sa.String(50), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("positions", JSONDocument, nullable=False),
        sa.Column("decision", sa.String(50), nullable=False),
        sa.Column("conditions", JSONDocument, nullable=False),
        sa.Column("rationale", sa.Text, nullable=False),
        sa.Column("circumstances", sa.Text, nullable=False),
        sa.Column("disciplines", JSONDocument, nullable=False),
        sa.Column("decided_on", sa.Date, nullable=False),
    )
    op.create_index("ix_case_examples_task_code", "case_examples", ["task_code"])
    op.create_index("ix_case_examples_category", "case_examples", ["category"])


def _create_disputes() -> None:
    op.create_table(
        "dispute_cases",
        sa.Column("case_id", sa.Uuid, primary_key=True),
        sa.Column("dispute_id", sa.Uuid, nullable=False, unique=True),
        sa.Column("package_id", sa.Uuid, nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("raised_by", sa.String(100), nullable=False),
        sa.Column("parties", JSONDocument, nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
        sa.Column("raised_on", sa.Date, nullable=False),
        sa.Column("opened_at", UTCDateTime, nullable=False),
        sa.Column("stage", sa.String(30), nullable=False),
        sa.Column("stage_history", JSONDocument, nullable=False),
        sa.Column("shares", JSONDocument, nullable=True),
        sa.Column("effective_from", sa.Date, nullable=True),
        sa.Column("resolved_on", sa.Date, nullable=True),
        sa.Column("outcome_rationale", sa.Text, nullable=True),
    )
    op.create_table(
        "dispute_evidence",
        sa.Column("evidence_id", sa.Uuid, primary_key=True),
        sa.Column("case_id", sa.Uuid, sa.ForeignKey("dispute_cases.case_id"), nullable=False),
        sa.Column("submitted_by", sa.String(100), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("reference", sa.String(500), nullable=True),
        *_recorded(),
    )
    op.create_index("ix_dispute_evidence_case_id", "dispute_evidence", ["case_id"])


def _create_monitoring() -> None:
    op.create_table(
        "equality_reports",
        sa.Column("report_id", sa.Uuid, primary_key=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
        sa.Column("period_start", sa.Date, nullable=False),
        sa.Column("period_end", sa.Date, nullable=False),
        sa.Column("requested_at", UTCDateTime, nullable=True),
        sa.Column("requested_by", sa.String(200), nullable=True),
        sa.Column("compiled_at", UTCDateTime, nullable=True),
        sa.Column("rows", JSONDocument, nullable=True),
        sa.Column("resuppressed", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_table(
        "competence_sign_offs",
        sa.Column("assessment_id", sa.Uuid, primary_key=True),
        sa.Column("provider_organisation", sa.String(100), nullable=False),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("outcome", sa.String(30), nullable=False),
        sa.Column("assessed_on", sa.Date, nullable=False),
    )
    op.create_index(
        "ix_competence_sign_offs_provider_organisation",
        "competence_sign_offs",
        ["provider_organisation"],
    )
    op.create_table(
        "monitoring_facts",
        sa.Column("fact_id", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(50), nullable=False),
        sa.Column("occurred_on", sa.Date, nullable=False),
        sa.Column("framework_version", sa.Integer, nullable=True),
        sa.Column("rule", sa.String(10), nullable=True),
    )
    op.create_index("ix_monitoring_facts_kind", "monitoring_facts", ["kind"])


def downgrade() -> None:
    for table in [
        "monitoring_facts",
        "competence_sign_offs",
        "equality_reports",
        "dispute_evidence",
        "dispute_cases",
        "case_examples",
        "shared_care_discussions",
        "shared_care_themes",
        "new_areas",
        "rulings",
        "reported_issues",
        "board_members",
        "partner_organisations",
    ]:
        op.drop_table(table)
