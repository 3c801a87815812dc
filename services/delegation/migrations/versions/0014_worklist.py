"""Issue 16: the worklist: the day ReviewDue was raised for a review, the day a review restarted
the twelve-monthly clock (R26), and competence expiry warnings as received.

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reviews", sa.Column("raised_on", sa.Date, nullable=True))
    # Every review so far was raised, with its ReviewDue, on the day it fell due.
    op.execute("UPDATE reviews SET raised_on = due_date")
    op.add_column("delegations", sa.Column("review_clock_from", sa.Date, nullable=True))
    op.create_table(
        "competence_warnings",
        sa.Column("worker_id", sa.Uuid, primary_key=True),
        sa.Column("task_code", sa.String(100), primary_key=True),
        sa.Column("scope", sa.String(40), primary_key=True),
        sa.Column("provider_organisation", sa.String(200), nullable=False),
        sa.Column("expires_on", sa.Date, nullable=False),
        sa.Column("days_before", sa.Integer, nullable=False),
        sa.Column("warned_on", sa.Date, nullable=False),
    )
    op.create_index(
        "ix_competence_warnings_provider_organisation",
        "competence_warnings",
        ["provider_organisation"],
    )


def downgrade() -> None:
    op.drop_index("ix_competence_warnings_provider_organisation", "competence_warnings")
    op.drop_table("competence_warnings")
    op.drop_column("delegations", "review_clock_from")
    op.drop_column("reviews", "raised_on")
