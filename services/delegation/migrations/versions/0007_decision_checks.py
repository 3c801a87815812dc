"""The decision check (R10-R13): catalogue per direction, training need, rulings by date; the
s.22 test's terms on decisions and delegations (R11); a refused 'delegate' on the proposal;
the Framework version on review outcomes (R29).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

from shared.db import JSONDocument

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# A 5.13: tasks that "do not require specific training": an instruction record, not a plan.
NO_SPECIFIC_TRAINING = ("medication-prompt", "eye-drops")
# Social care tasks Health staff may take on (R1): delegable, not the exclusive remit of ASC.
DELEGABLE_SOCIAL_CARE = ("personal-care-washing", "meal-preparation", "dressing-assistance")
# A 5.11: "a corresponding range of tasks that are the exclusive remit and domain of Adult
# Social Care": duties the Care Act gives the local authority alone.
EXCLUSIVE_TO_SOCIAL_CARE = [
    ("care-act-needs-assessment", "Care Act needs assessment and eligibility determination"),
    ("adult-safeguarding-enquiry", "Adult safeguarding enquiry (Care Act s.42)"),
]


def upgrade() -> None:
    with op.batch_alter_table("tasks") as batch:
        batch.add_column(
            sa.Column(
                "needs_specific_training", sa.Boolean, nullable=False, server_default=sa.true()
            )
        )
        batch.add_column(sa.Column("ruled_from", sa.Date, nullable=True))
    tasks = sa.table(
        "tasks",
        sa.column("code", sa.String),
        sa.column("needs_specific_training", sa.Boolean),
        sa.column("delegability", sa.String),
    )
    op.execute(
        tasks.update()
        .where(tasks.c.code.in_(NO_SPECIFIC_TRAINING))
        .values(needs_specific_training=False)
    )
    op.execute(
        tasks.update().where(tasks.c.code.in_(DELEGABLE_SOCIAL_CARE)).values(delegability="routine")
    )
    op.bulk_insert(
        sa.table(
            "tasks",
            sa.column("code", sa.String),
            sa.column("name", sa.String),
            sa.column("category", sa.String),
            sa.column("delegability", sa.String),
            sa.column("active", sa.Boolean),
            sa.column("needs_specific_training", sa.Boolean),
        ),
        [
            {
                "code": code,
                "name": name,
                "category": "social_care",
                "delegability": "social_care_only",
                "active": True,
                "needs_specific_training": True,
            }
            for code, name in EXCLUSIVE_TO_SOCIAL_CARE
        ],
    )
    with op.batch_alter_table("proposals") as batch:
        batch.add_column(sa.Column("refused_rule", sa.String(10), nullable=True))
        batch.add_column(sa.Column("refusal_reason", sa.Text, nullable=True))
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("rule", sa.String(10), nullable=True))
        batch.add_column(sa.Column("section_22_met", sa.Boolean, nullable=True))
        batch.add_column(sa.Column("funding_basis", sa.String(30), nullable=True))
    with op.batch_alter_table("delegations") as batch:
        batch.add_column(sa.Column("section_22_met", sa.Boolean, nullable=True))
        batch.add_column(sa.Column("funding_basis", sa.String(30), nullable=True))
        batch.add_column(
            sa.Column(
                "needs_specific_training", sa.Boolean, nullable=False, server_default=sa.true()
            )
        )
    with op.batch_alter_table("reviews") as batch:
        batch.add_column(sa.Column("framework_version", sa.Integer, nullable=True))
        batch.add_column(sa.Column("reassessment", JSONDocument, nullable=True))
    op.create_table(
        "catalogue_rulings",
        sa.Column("ruling_id", sa.Uuid, primary_key=True),
        sa.Column("task_code", sa.String(100), primary_key=True),
        sa.Column("change", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("category", sa.String(60), nullable=False),
        sa.Column("delegability", sa.String(30), nullable=False),
        sa.Column("needs_specific_training", sa.Boolean, nullable=True),
        sa.Column("effective_from", sa.Date, nullable=False),
        sa.Column("received_on", sa.Date, nullable=False),
        sa.Column("applied_on", sa.Date, nullable=True),
    )
    op.create_index("ix_catalogue_rulings_effective_from", "catalogue_rulings", ["effective_from"])


def downgrade() -> None:
    op.drop_index("ix_catalogue_rulings_effective_from", "catalogue_rulings")
    op.drop_table("catalogue_rulings")
    with op.batch_alter_table("reviews") as batch:
        batch.drop_column("reassessment")
        batch.drop_column("framework_version")
    with op.batch_alter_table("delegations") as batch:
        batch.drop_column("needs_specific_training")
        batch.drop_column("funding_basis")
        batch.drop_column("section_22_met")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("funding_basis")
        batch.drop_column("section_22_met")
        batch.drop_column("rule")
    with op.batch_alter_table("proposals") as batch:
        batch.drop_column("refusal_reason")
        batch.drop_column("refused_rule")
    tasks = sa.table("tasks", sa.column("code", sa.String), sa.column("delegability", sa.String))
    op.execute(
        tasks.delete().where(tasks.c.code.in_([code for code, _ in EXCLUSIVE_TO_SOCIAL_CARE]))
    )
    op.execute(
        tasks.update()
        .where(tasks.c.code.in_(DELEGABLE_SOCIAL_CARE))
        .values(delegability="social_care_only")
    )
    with op.batch_alter_table("tasks") as batch:
        batch.drop_column("ruled_from")
        batch.drop_column("needs_specific_training")
