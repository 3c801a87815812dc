"""R10, R27: a catalogue task can carry the SNOMED CT concept the IPCB chose for it (its id and
display term), as can each ruling that sets it.

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TABLES = ("tasks", "catalogue_rulings")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(table, sa.Column("snomed_concept_id", sa.String(18), nullable=True))
        op.add_column(table, sa.Column("snomed_display", sa.String(255), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("snomed_display")
            batch.drop_column("snomed_concept_id")
