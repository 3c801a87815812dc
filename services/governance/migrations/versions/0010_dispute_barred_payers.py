"""R11: a CSU case knows which party its outcome may not name to pay (a council, for a delegated
task failing the s.22 test), as funding said when the dispute was raised.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

from shared.db import JSONDocument

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("dispute_cases") as batch:
        batch.add_column(sa.Column("may_not_pay", JSONDocument, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("dispute_cases") as batch:
        batch.drop_column("may_not_pay")
