"""Assessor approvals: a provider approves an assessor of another organisation to train and
assess its workers (R16, R25).

Revision ID: 0005
Revises: p003
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "p003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessor_approvals",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("provider_organisation", sa.String(200), nullable=False, index=True),
        sa.Column("assessor_organisation", sa.String(200), nullable=False),
        sa.Column("user_id", sa.String(200), nullable=False, index=True),
        sa.Column("approved_by", sa.String(200), nullable=False),
        sa.Column("approved_on", sa.Date, nullable=False),
        sa.Column("withdrawn_on", sa.Date, nullable=True),
        sa.UniqueConstraint(
            "provider_organisation",
            "assessor_organisation",
            "user_id",
            name="uq_assessor_approvals_provider_organisation",
        ),
    )


def downgrade() -> None:
    op.drop_table("assessor_approvals")
