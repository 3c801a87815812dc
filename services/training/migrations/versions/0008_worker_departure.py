"""R16: a care worker who leaves their provider is inactive from the day they left.

Revision ID: 0008_worker_departure
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_worker_departure"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("workers", sa.Column("left_on", sa.Date, nullable=True))


def downgrade() -> None:
    op.drop_column("workers", "left_on")
