"""The list of people is read a page at a time in registration order: an index on its keys.

Revision ID: 0007
Revises: p004
"""

from alembic import op

revision = "0007"
down_revision = "p004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_people_registered_at_id", "people", ["registered_at", "id"])


def downgrade() -> None:
    op.drop_index("ix_people_registered_at_id", table_name="people")
