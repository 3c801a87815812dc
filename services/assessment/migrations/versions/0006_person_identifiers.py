"""Local system identifiers for a person (LAS, Mosaic, SystmOne, RiO) beside the NHS number.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

from shared.db import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "person_identifiers",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id"), nullable=False, index=True),
        sa.Column("system", sa.String(20), nullable=False),
        sa.Column("value", sa.String(20), nullable=False),
        sa.Column("added_by", sa.String(200), nullable=False),
        sa.Column("added_at", UTCDateTime, nullable=False),
        sa.UniqueConstraint("system", "value", name="uq_person_identifiers_system"),
    )


def downgrade() -> None:
    op.drop_table("person_identifiers")
