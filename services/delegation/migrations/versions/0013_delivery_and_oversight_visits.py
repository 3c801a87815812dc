"""R16, R8: the schedule a live task is carried out to, each application recorded (corrections
as new entries), the visits that recorded them; oversight visits (R17, A 5.12).

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

from shared.db import JSONDocument, UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery_schedules",
        sa.Column("delegation_id", sa.Uuid, sa.ForeignKey("delegations.id"), primary_key=True),
        sa.Column("times_per_day", sa.Integer, nullable=False),
        sa.Column("weekdays", JSONDocument, nullable=False),
        sa.Column("set_by", sa.String(200), nullable=False),
        sa.Column("set_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "delivery_visits",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
        sa.Column("organisation", sa.String(200), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    op.create_table(
        "delivery_records",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("visit_id", sa.Uuid, sa.ForeignKey("delivery_visits.id"), nullable=False),
        sa.Column("delegation_id", sa.Uuid, sa.ForeignKey("delegations.id"), nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("provider_organisation", sa.String(200), nullable=False),
        sa.Column("due_on", sa.Date, nullable=False),
        sa.Column("slot", sa.Integer, nullable=True),
        sa.Column("outcome", sa.String(30), nullable=False),
        sa.Column("reason", sa.String(40), nullable=True),
        sa.Column("worker_id", sa.Uuid, nullable=True),
        sa.Column("administered_at", UTCDateTime, nullable=False),
        sa.Column("observations", sa.Text, nullable=True),
        sa.Column("change_noticed", sa.Boolean, nullable=False),
        sa.Column("change", sa.String(40), nullable=True),
        sa.Column(
            "corrects", sa.Uuid, sa.ForeignKey("delivery_records.id"), nullable=True, unique=True
        ),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
    )
    op.create_index("ix_delivery_records_visit_id", "delivery_records", ["visit_id"])
    op.create_index("ix_delivery_records_person_id", "delivery_records", ["person_id"])
    op.create_index(
        "ix_delivery_records_provider_organisation", "delivery_records", ["provider_organisation"]
    )
    op.create_index(
        "ix_delivery_records_delegation_id_due_on", "delivery_records", ["delegation_id", "due_on"]
    )
    op.create_index(
        "uq_delivery_records_one_entry_per_application",
        "delivery_records",
        ["delegation_id", "due_on", "slot"],
        unique=True,
        postgresql_where=sa.text("corrects IS NULL"),
        sqlite_where=sa.text("corrects IS NULL"),
    )
    op.create_table(
        "oversight_visits",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("delegation_id", sa.Uuid, sa.ForeignKey("delegations.id"), nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=False),
        sa.Column("oversight_owner", sa.String(200), nullable=False),
        sa.Column("visited_on", sa.Date, nullable=False),
        sa.Column("findings", JSONDocument, nullable=False),
        sa.Column("spot_checks", JSONDocument, nullable=False),
        sa.Column("actions", JSONDocument, nullable=False),
        sa.Column("notes", sa.Text, nullable=True),
        sa.Column("next_due", sa.Date, nullable=True),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", UTCDateTime, nullable=False),
        sa.Column("idempotency_key", sa.String(200), nullable=True, unique=True),
    )
    op.create_index("ix_oversight_visits_person_id", "oversight_visits", ["person_id"])
    op.create_index(
        "ix_oversight_visits_delegation_id_visited_on",
        "oversight_visits",
        ["delegation_id", "visited_on"],
    )


def downgrade() -> None:
    op.drop_table("oversight_visits")
    op.drop_table("delivery_records")
    op.drop_table("delivery_visits")
    op.drop_table("delivery_schedules")
