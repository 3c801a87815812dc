"""R22: a dispute case knows what it is about (a joint package, an apportionment or a
without-prejudice decision) and the subject's weekly cost when raised, so the CSU's outcome in
weekly pence is checked against it. Cases raised before are about joint packages; their cost
is not known (left empty: their outcomes are checked by funding, as before).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dispute_cases") as batch:
        batch.add_column(sa.Column("subject_kind", sa.String(30), nullable=True))
        batch.add_column(sa.Column("weekly_cost_pence", sa.Integer, nullable=True))
    op.execute("UPDATE dispute_cases SET subject_kind = 'joint_package'")


def downgrade() -> None:
    with op.batch_alter_table("dispute_cases") as batch:
        batch.drop_column("weekly_cost_pence")
        batch.drop_column("subject_kind")
