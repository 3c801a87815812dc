"""Issue 20: the people list on an index at LLR scale (100,000 people): by registration, the
list's order and its cursor.

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
