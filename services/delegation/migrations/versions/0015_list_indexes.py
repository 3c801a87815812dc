"""Issue 20: every list on an index at LLR scale (30,000 live delegations): delegations by
organisation in the lists' order (provider, accountable, oversight owner), the MDT's queue of
proposals by state and day, reviews due by day, a delegation's handbacks (closed ones too).

Revision ID: 0015
Revises: 0013
"""

from alembic import op

revision = "0015"
down_revision = "0014_named_workers"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_delegations_created_at_id": ("delegations", ["created_at", "id"]),
    "ix_delegations_provider_organisation_created_at_id": (
        "delegations",
        ["provider_organisation", "created_at", "id"],
    ),
    "ix_delegations_accountable_organisation": ("delegations", ["accountable_organisation"]),
    "ix_delegations_oversight_owner_status": ("delegations", ["oversight_owner", "status"]),
    "ix_proposals_submitted_on_id": ("proposals", ["submitted_on", "id"]),
    "ix_proposals_status_submitted_on_id": ("proposals", ["status", "submitted_on", "id"]),
    "ix_reviews_status_due_date": ("reviews", ["status", "due_date"]),
    "ix_handbacks_delegation_id": ("handbacks", ["delegation_id"]),
}
# The provider's lists are read through the index in their order: its prefix alone goes.
REPLACED = ("ix_delegations_provider_organisation", "delegations", ["provider_organisation"])


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)
    op.drop_index(REPLACED[0], table_name=REPLACED[1])


def downgrade() -> None:
    op.create_index(*REPLACED)
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
