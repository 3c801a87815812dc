"""The shared tables' second revision: the relay's and retention's indexes, wake on commit (frozen).

Revision ID: p002
Revises: 0008
"""

from shared.migrations import create_plumbing_p002, drop_plumbing_p002

revision = "p002"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_plumbing_p002()


def downgrade() -> None:
    drop_plumbing_p002()
