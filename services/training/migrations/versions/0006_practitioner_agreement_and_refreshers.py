"""R24: the accountable practitioner agrees a training plan after the provider; R25: refreshers
announced as due.

Plans the provider agreed alone before this revision were already counted by delegation's R16
gate; they are carried over as in force (with no practitioner recorded).

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("training_plans", sa.Column("practitioner_agreed_on", sa.Date, nullable=True))
    op.add_column(
        "training_plans", sa.Column("practitioner_agreed_by", sa.String(200), nullable=True)
    )
    op.add_column(
        "training_plans", sa.Column("practitioner_organisation", sa.String(200), nullable=True)
    )
    op.add_column("training_plans", sa.Column("returned_on", sa.Date, nullable=True))
    op.add_column("training_plans", sa.Column("returned_reason", sa.Text, nullable=True))
    op.execute(
        "UPDATE training_plans SET status = 'in_force', practitioner_agreed_on = agreed_on "
        "WHERE status = 'agreed'"
    )
    op.create_table(
        "refresher_notices",
        sa.Column(
            "assessment_id",
            sa.Uuid,
            sa.ForeignKey("competence_assessments.id"),
            primary_key=True,
        ),
        sa.Column("due_on", sa.Date, primary_key=True),
        sa.Column("worker_id", sa.Uuid, nullable=False, index=True),
        sa.Column("task_code", sa.String(100), nullable=False),
        sa.Column("person_id", sa.Uuid, nullable=True),
        sa.Column("provider_organisation", sa.String(200), nullable=False, index=True),
        sa.Column("noticed_on", sa.Date, nullable=False),
        sa.Column("done_on", sa.Date, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("refresher_notices")
    op.execute("UPDATE training_plans SET status = 'agreed' WHERE status = 'in_force'")
    op.execute("UPDATE training_plans SET status = 'required' WHERE status = 'agreed_by_provider'")
    for column in (
        "returned_reason",
        "returned_on",
        "practitioner_organisation",
        "practitioner_agreed_by",
        "practitioner_agreed_on",
    ):
        op.drop_column("training_plans", column)
