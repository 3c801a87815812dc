"""Every list pages by keyset on an index of its order (issue 16); the CSU's and the board's
worklists find open cases and untriaged issues on theirs.

Revision ID: 0011
Revises: p004
"""

from alembic import op

revision = "0011"
down_revision = "p004"
branch_labels = None
depends_on = None

INDEXES = {
    "ix_reported_issues_listed": ("reported_issues", ["reported_at", "issue_id"]),
    "ix_reported_issues_to_triage": ("reported_issues", ["status", "reported_at", "issue_id"]),
    "ix_rulings_listed": ("rulings", ["effective_from", "issued_at", "ruling_id"]),
    "ix_new_areas_listed": ("new_areas", ["identified_on", "area_id"]),
    "ix_shared_care_themes_listed": ("shared_care_themes", ["received_on", "theme_id"]),
    "ix_shared_care_discussions_listed": (
        "shared_care_discussions",
        ["opened_at", "discussion_id"],
    ),
    "ix_case_examples_listed": ("case_examples", ["decided_on", "case_example_id"]),
    "ix_dispute_cases_listed": ("dispute_cases", ["raised_on", "case_id"]),
    "ix_dispute_cases_held": ("dispute_cases", ["held_by", "raised_on", "case_id"]),
    "ix_equality_reports_listed": ("equality_reports", ["period_start", "report_id"]),
    "ix_webhook_endpoints_listed": (
        "webhook_endpoints",
        ["organisation", "created_at", "endpoint_id"],
    ),
    "ix_webhook_deliveries_listed": ("webhook_deliveries", ["endpoint_id", "delivery_id"]),
}


def upgrade() -> None:
    for name, (table, columns) in INDEXES.items():
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, (table, _columns) in INDEXES.items():
        op.drop_index(name, table_name=table)
