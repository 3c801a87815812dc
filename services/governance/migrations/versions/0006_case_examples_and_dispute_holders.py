"""Information governance: a case example keeps only structured facts and the summary the
Shared Care panel writes for publication (the MDT's question and positions, the panel's
conditions, rationale and circumstances stay with the discussion and are dropped from every
precedent already published) and the MDT's question as a code; a discussion keeps the MDT's
question code and stances; a dispute case keeps no copy of the raising party's text, only what
is disputed as a code, and records the CSU that holds it (R22).

Existing cases are held by the register's CSU (the first by ODS code, MLCSU in LLR); the raising
note copied into their history is blanked.

Revision ID: 0006
Revises: p003
"""

import sqlalchemy as sa
from alembic import op

from shared.db import JSONDocument

revision = "0006"
down_revision = "p003"
branch_labels = None
depends_on = None

CASE_EXAMPLE_TEXT = ("question", "positions", "conditions", "rationale", "circumstances")


def upgrade() -> None:
    with op.batch_alter_table("case_examples") as batch:
        for name in CASE_EXAMPLE_TEXT:
            batch.drop_column(name)
        batch.add_column(sa.Column("summary", sa.Text, nullable=True))
        batch.add_column(sa.Column("question_code", sa.String(30), nullable=True))
    with op.batch_alter_table("shared_care_discussions") as batch:
        batch.add_column(sa.Column("question_code", sa.String(30), nullable=True))
        batch.add_column(sa.Column("stances", JSONDocument, nullable=True))
    with op.batch_alter_table("dispute_cases") as batch:
        batch.drop_column("summary")
        batch.add_column(sa.Column("held_by", sa.String(100), nullable=True))
        batch.add_column(sa.Column("reason_code", sa.String(30), nullable=True))
        batch.create_index("ix_dispute_cases_held_by", ["held_by"])
    op.execute(
        "UPDATE dispute_cases SET held_by = "
        "(SELECT min(ods_code) FROM organisations WHERE kind = 'csu')"
    )
    _blank_raising_notes()


def _blank_raising_notes() -> None:
    """The first entry of each case's history carried the raising party's summary as its note."""
    cases = sa.table(
        "dispute_cases", sa.column("case_id", sa.Uuid), sa.column("stage_history", JSONDocument)
    )
    connection = op.get_bind()
    for case_id, history in connection.execute(sa.select(cases.c.case_id, cases.c.stage_history)):
        cleaned = [
            {**e, "note": ""} if e.get("stage") == "raised" and e.get("by") == "system" else e
            for e in history
        ]
        connection.execute(
            cases.update().where(cases.c.case_id == case_id).values(stage_history=cleaned)
        )


def downgrade() -> None:
    with op.batch_alter_table("dispute_cases") as batch:
        batch.drop_index("ix_dispute_cases_held_by")
        batch.drop_column("reason_code")
        batch.drop_column("held_by")
        batch.add_column(sa.Column("summary", sa.Text, nullable=False, server_default=""))
    with op.batch_alter_table("shared_care_discussions") as batch:
        batch.drop_column("stances")
        batch.drop_column("question_code")
    with op.batch_alter_table("case_examples") as batch:
        batch.drop_column("question_code")
        batch.drop_column("summary")
        for name in CASE_EXAMPLE_TEXT:
            listed = name in ("positions", "conditions")
            kind = JSONDocument if listed else sa.Text()
            default = "[]" if listed else ""
            batch.add_column(sa.Column(name, kind, nullable=False, server_default=default))
