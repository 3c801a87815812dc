"""The shared tables' fourth revision: the partner register's national ODS codes (frozen).

Revision ID: p004
Revises: 0010
"""

from shared.migrations import create_plumbing_p004, drop_plumbing_p004

revision = "p004"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_plumbing_p004()


def downgrade() -> None:
    drop_plumbing_p004()
