"""R16, R24: named workers change on a live delegation: training's workers projected here (whose
worker, left or not), and why a worker came off a delegation.

Revision ID: 0014_named_workers
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_named_workers"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "provider_workers",
        sa.Column("worker_id", sa.Uuid, primary_key=True),
        sa.Column("provider_organisation", sa.String(200), nullable=False),
        sa.Column("left_on", sa.Date, nullable=True),
    )
    op.add_column(
        "worker_departures",
        sa.Column("cause", sa.String(20), nullable=False, server_default="removed"),
    )


def downgrade() -> None:
    op.drop_column("worker_departures", "cause")
    op.drop_table("provider_workers")
