"""The shared tables: outbox, inbox, dead letters and the append-only audit log (frozen).

Revision ID: 0001
Revises:
"""

from shared.migrations import create_plumbing_0001, drop_plumbing_0001

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_plumbing_0001()


def downgrade() -> None:
    drop_plumbing_0001()
