"""Information governance: coded decline and end reasons (the words stay here, events carry
codes); who proposed and which organisations' MDT decided, so that they alone end and review.

Revision ID: 0009
Revises: p003
"""

from typing import Any

import sqlalchemy as sa
from alembic import op

from shared.db import JSONDocument

revision = "0009"
down_revision = "p003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("proposals") as batch:
        batch.add_column(sa.Column("proposed_by_organisation", sa.String(200), nullable=True))
    with op.batch_alter_table("decisions") as batch:
        batch.add_column(sa.Column("organisations", JSONDocument, nullable=True))
    with op.batch_alter_table("delegations") as batch:
        batch.add_column(sa.Column("declined_reason_code", sa.String(40), nullable=True))
        batch.add_column(sa.Column("end_reason_code", sa.String(40), nullable=True))
        batch.add_column(
            sa.Column(
                "mdt_organisations", JSONDocument, nullable=False, server_default=sa.text("'[]'")
            )
        )
    backfill()


def backfill() -> None:
    """Earlier decisions named their members' organisations in their record; earlier reasons
    were words only (kept, coded 'other')."""
    decisions = sa.table(
        "decisions",
        sa.column("id", sa.Uuid),
        sa.column("proposal_id", sa.Uuid),
        sa.column("source", sa.String),
        sa.column("record", JSONDocument),
        sa.column("organisations", JSONDocument),
    )
    delegations = sa.table(
        "delegations",
        sa.column("proposal_id", sa.Uuid),
        sa.column("status", sa.String),
        sa.column("ended_on", sa.Date),
        sa.column("declined_reason_code", sa.String),
        sa.column("end_reason_code", sa.String),
        sa.column("mdt_organisations", JSONDocument),
    )
    bind = op.get_bind()
    mdt = bind.execute(
        sa.select(decisions.c.id, decisions.c.proposal_id, decisions.c.record).where(
            decisions.c.source == "mdt"
        )
    ).all()
    for decision_id, proposal_id, record in mdt:
        organisations = members_of(record)
        bind.execute(
            decisions.update()
            .where(decisions.c.id == decision_id)
            .values(organisations=organisations)
        )
        bind.execute(
            delegations.update()
            .where(delegations.c.proposal_id == proposal_id)
            .values(mdt_organisations=organisations)
        )
    op.execute(
        delegations.update()
        .where(delegations.c.ended_on.is_not(None))
        .values(end_reason_code="other")
    )
    op.execute(
        delegations.update()
        .where(delegations.c.status == "declined")
        .values(declined_reason_code="other")
    )


def members_of(record: Any) -> list[str]:
    members = record.get("members", []) if isinstance(record, dict) else []
    return sorted({str(m["organisation"]) for m in members if "organisation" in m})


def downgrade() -> None:
    with op.batch_alter_table("delegations") as batch:
        batch.drop_column("mdt_organisations")
        batch.drop_column("end_reason_code")
        batch.drop_column("declined_reason_code")
    with op.batch_alter_table("decisions") as batch:
        batch.drop_column("organisations")
    with op.batch_alter_table("proposals") as batch:
        batch.drop_column("proposed_by_organisation")
