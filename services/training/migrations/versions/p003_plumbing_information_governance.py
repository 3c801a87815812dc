"""The shared tables' third revision: the partner register, relationships, idempotency keys, the
audit of reads (frozen).

Revision ID: p003
Revises: p002
"""

from shared.migrations import create_plumbing_p003, drop_plumbing_p003

revision = "p003"
down_revision = "p002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_plumbing_p003()


def downgrade() -> None:
    drop_plumbing_p003()
