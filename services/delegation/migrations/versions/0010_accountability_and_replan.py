"""R12, R13, R19: how the practitioner's competence is evidenced; the oversight interval a
changing condition needs; the new support plan the MDT agreed for a task with extra minutes.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("proposals") as batch:
        batch.add_column(sa.Column("competence_basis", sa.String(40), nullable=True))
    with op.batch_alter_table("delegations") as batch:
        batch.add_column(sa.Column("competence_basis", sa.String(40), nullable=True))
        batch.add_column(sa.Column("oversight_interval_days", sa.Integer, nullable=True))
        batch.add_column(sa.Column("support_plan_id", sa.Uuid, nullable=True))
        batch.add_column(sa.Column("support_plan_version", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("delegations") as batch:
        batch.drop_column("support_plan_version")
        batch.drop_column("support_plan_id")
        batch.drop_column("oversight_interval_days")
        batch.drop_column("competence_basis")
    with op.batch_alter_table("proposals") as batch:
        batch.drop_column("competence_basis")
