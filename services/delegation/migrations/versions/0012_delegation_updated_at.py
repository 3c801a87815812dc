"""When each delegation last changed: FHIR Task.meta.lastUpdated and the _lastUpdated search.
Existing delegations take their creation instant.

Revision ID: 0012
Revises: p004
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0012"
down_revision = "p004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("delegations") as batch:
        batch.add_column(sa.Column("updated_at", UTCDateTime(), nullable=True))
    op.execute("UPDATE delegations SET updated_at = created_at")
    op.create_index("ix_delegations_updated_at", "delegations", ["updated_at"])


def downgrade() -> None:
    op.drop_index("ix_delegations_updated_at", table_name="delegations")
    with op.batch_alter_table("delegations") as batch:
        batch.drop_column("updated_at")
