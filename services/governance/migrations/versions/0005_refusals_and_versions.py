"""A Shared Care decision refused by delegation keeps its rule (R14); dispute resolutions and
competence sign-offs keep the Framework version they were made under (R29).

Revision ID: 0005
Revises: 0004
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# (table, column, type): fresh Column objects each run, as a Column belongs to one table.
COLUMNS: tuple[tuple[str, str, sa.types.TypeEngine[Any]], ...] = (
    ("shared_care_discussions", "case_example_id", sa.Uuid()),
    ("shared_care_discussions", "refused_on", sa.Date()),
    ("shared_care_discussions", "refusal_rule", sa.String(10)),
    ("case_examples", "refusal_rule", sa.String(10)),
    ("dispute_cases", "framework_version", sa.Integer()),
    ("competence_sign_offs", "framework_version", sa.Integer()),
)


def upgrade() -> None:
    for table, name, kind in COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column(name, kind, nullable=True))


def downgrade() -> None:
    for table, name, _kind in reversed(COLUMNS):
        with op.batch_alter_table(table) as batch:
            batch.drop_column(name)
