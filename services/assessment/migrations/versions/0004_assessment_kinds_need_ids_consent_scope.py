"""R6 kinds enumerated, R4 need ids, R7 consent given for a provider and linked to a delegation.

Kinds were free text, so one person could hold two current assessments of one kind under two
spellings. Known spellings are mapped to the enumeration; of two current assessments that then
share a kind, the later supersedes the earlier (both stay on record). A spelling not known here
stops the upgrade with the values found: map it in ALIASES and run again.

Revision ID: 0004
Revises: 0003
"""

import uuid
from collections import defaultdict
from typing import Any

import sqlalchemy as sa
from alembic import op

from shared.db import JSONDocument, UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

KINDS = ("care_act_needs", "carers", "health_needs", "chc_checklist", "chc_decision_support_tool")
ALIASES = {
    "care_act": "care_act_needs",
    "care_act_assessment": "care_act_needs",
    "care_act_needs_assessment": "care_act_needs",
    "needs_assessment": "care_act_needs",
    "social_care_needs": "care_act_needs",
    "carer": "carers",
    "carer_assessment": "carers",
    "carers_assessment": "carers",
    "health": "health_needs",
    "health_need": "health_needs",
    "health_needs_assessment": "health_needs",
    "district_nursing": "health_needs",
    "community_nursing": "health_needs",
    "chc": "chc_checklist",
    "continuing_healthcare_checklist": "chc_checklist",
    "dst": "chc_decision_support_tool",
    "chc_dst": "chc_decision_support_tool",
    "decision_support_tool": "chc_decision_support_tool",
}
CURRENT_KIND = "uq_assessments_current_kind"

assessments = sa.table(
    "assessments",
    sa.column("id", sa.Uuid),
    sa.column("person_id", sa.Uuid),
    sa.column("kind", sa.String),
    sa.column("recorded_at", UTCDateTime),
    sa.column("health_needs", JSONDocument),
    sa.column("superseded_by", sa.Uuid),
)


def canonical(kind: str) -> str | None:
    spelled = kind.strip().lower().replace("-", "_").replace(" ", "_")
    return spelled if spelled in KINDS else ALIASES.get(spelled)


def upgrade() -> None:
    op.add_column("consents", sa.Column("provider_organisation", sa.String(200), nullable=True))
    op.add_column("consents", sa.Column("linked_delegation_id", sa.Uuid, nullable=True))
    op.add_column("consents", sa.Column("linked_on", sa.Date, nullable=True))
    op.drop_index(CURRENT_KIND, "assessments")
    rows = list(op.get_bind().execute(sa.select(assessments)).all())
    _enumerate_kinds(rows)
    _one_current_of_each_kind(rows)
    _need_ids(rows)
    _current_kind_index()
    _name_unique_constraints()


def _enumerate_kinds(rows: list[Any]) -> None:
    unknown = sorted({r.kind for r in rows if canonical(r.kind) is None})
    if unknown:
        raise RuntimeError(f"assessment kinds not in the enumeration {KINDS}: {unknown}")
    for row in rows:
        if canonical(row.kind) != row.kind:
            _update(row.id, kind=canonical(row.kind))


def _one_current_of_each_kind(rows: list[Any]) -> None:
    current: dict[tuple[Any, str | None], list[Any]] = defaultdict(list)
    for row in rows:
        if row.superseded_by is None:
            current[(row.person_id, canonical(row.kind))].append(row)
    for same in current.values():
        *earlier, latest = sorted(same, key=lambda r: (r.recorded_at, str(r.id)))
        for row in earlier:
            _update(row.id, superseded_by=latest.id)


def _need_ids(rows: list[Any]) -> None:
    for row in rows:
        needs = [
            {"task_codes": [], **need, "need_id": need.get("need_id") or str(uuid.uuid4())}
            for need in row.health_needs
        ]
        if needs != row.health_needs:
            _update(row.id, health_needs=needs)


def _update(assessment_id: Any, **values: Any) -> None:
    op.get_bind().execute(
        sa.update(assessments).where(assessments.c.id == assessment_id).values(**values)
    )


def _current_kind_index() -> None:
    op.create_index(
        CURRENT_KIND,
        "assessments",
        ["person_id", "kind"],
        unique=True,
        postgresql_where=sa.text("superseded_by IS NULL"),
        sqlite_where=sa.text("superseded_by IS NULL"),
    )


# 0002 left two unique constraints unnamed; PostgreSQL named them itself. Give them the names the
# naming convention gives the models, so that migrations and models agree. (SQLite keeps them
# unnamed: renaming there means rebuilding the tables, for no change in behaviour.)
UNNAMED = {
    "support_plan_versions": ("person_id_version", "person_id"),
    "framework_uses": ("measure_source_id", "measure"),
}


def _name_unique_constraints(undo: bool = False) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, (columns, first) in UNNAMED.items():
        names = (f"{table}_{columns}_key", f"uq_{table}_{first}")
        old, new = reversed(names) if undo else names
        op.execute(f"ALTER TABLE {table} RENAME CONSTRAINT {old} TO {new}")


def downgrade() -> None:
    # Kinds stay enumerated and need ids stay: both are valid data for the older code.
    _name_unique_constraints(undo=True)
    with op.batch_alter_table("consents") as batch:
        for column in ("linked_on", "linked_delegation_id", "provider_organisation"):
            batch.drop_column(column)
