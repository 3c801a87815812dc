"""Every list pages by keyset on an index of its order (issue 16), and the commissioner's
worklist finds the funding gaps and the runs waiting for a rate on theirs.

Revision ID: 0008
Revises: p004
"""

from alembic import op

revision = "0008"
down_revision = "p004"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_rates_listed": (
        "rates",
        ["provider_organisation", "commissioner", "effective_from", "id"],
    ),
    "ix_funded_delegations_pending": (
        "funded_delegations",
        ["funding_pending", "accountable_organisation"],
    ),
    "ix_health_covers_funding": ("health_covers", ["funding", "delegation_id"]),
    "ix_funding_segments_awaiting": ("funding_segments", ["awaiting_rate", "payer"]),
    "ix_joint_packages_review_listed": ("joint_packages", ["review_due", "id"]),
    "ix_package_reviews_listed": (
        "package_reviews",
        ["package_id", "reviewed_on", "recorded_at", "id"],
    ),
    "ix_disputes_listed": ("disputes", ["raised_on", "id"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
