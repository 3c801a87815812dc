"""The providers' lists are read a page at a time in their own order: an index on each list's
keys (the day, then the id).

Revision ID: 0007
Revises: p004
"""

from alembic import op

revision = "0007"
down_revision = "p004"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_training_plans_required_on_id": ("training_plans", ["required_on", "id"]),
    "ix_instruction_requirements_required_on_id": (
        "instruction_requirements",
        ["required_on", "id"],
    ),
    "ix_competence_warnings_warned_on_id": ("competence_warnings", ["warned_on", "id"]),
    "ix_refresher_notices_due_on_assessment_id": (
        "refresher_notices",
        ["due_on", "assessment_id"],
    ),
    "ix_failure_escalations_escalated_on_assessment_id": (
        "failure_escalations",
        ["escalated_on", "assessment_id"],
    ),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _) in INDEXES.items():
        op.drop_index(name, table_name=table)
