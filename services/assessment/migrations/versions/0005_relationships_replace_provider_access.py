"""Legitimate relationships replace provider access: the people already recorded keep theirs.

`provider_access` said only which providers had ever had a task for a person, never until when.
Relationships (p003) say who may see a person, on which basis and until when. This revision
fills them from what is on record: the organisation that registered each person (its audit row),
each assessment's organisation, and the provider of each task on the person's current support
plan, from the day the task joined it; then drops `provider_access`. The other services learn of
these relationships only when they are published (`RelationshipChanged`), which a migration
cannot do: see the report of this change.

Revision ID: 0005
Revises: p003
"""

import uuid
from datetime import UTC, date, datetime, time
from typing import Any

import sqlalchemy as sa
from alembic import op

from shared.db import JSONDocument, UTCDateTime

revision = "0005"
down_revision = "p003"
branch_labels = None
depends_on = None

relationships = sa.table(
    "relationships",
    sa.column("person_id", sa.Uuid),
    sa.column("organisation", sa.String),
    sa.column("basis", sa.String),
    sa.column("source_id", sa.String),
    sa.column("since", UTCDateTime),
    sa.column("until", UTCDateTime),
)
audit_log = sa.table(
    "audit_log",
    sa.column("at", UTCDateTime),
    sa.column("organisation", sa.String),
    sa.column("action", sa.String),
    sa.column("subject", sa.String),
)
people = sa.table("people", sa.column("id", sa.Uuid))
assessments = sa.table(
    "assessments",
    sa.column("id", sa.Uuid),
    sa.column("person_id", sa.Uuid),
    sa.column("partner_organisation", sa.String),
    sa.column("recorded_at", UTCDateTime),
)
plan_versions = sa.table(
    "support_plan_versions",
    sa.column("person_id", sa.Uuid),
    sa.column("version", sa.Integer),
    sa.column("tasks", JSONDocument),
    sa.column("effective_from", sa.Date),
)


def upgrade() -> None:
    rows = [*_registered(), *_assessed(), *_providers()]
    held = {tuple(r[:4]) for r in op.get_bind().execute(sa.select(relationships)).all()}
    fresh: dict[tuple[Any, ...], dict[str, Any]] = {}
    for row in rows:
        key = (row["person_id"], row["organisation"], row["basis"], row["source_id"])
        if key not in held:
            fresh.setdefault(key, row)
    if fresh:
        op.get_bind().execute(sa.insert(relationships), list(fresh.values()))
    op.drop_table("provider_access")


def _row(person_id: Any, organisation: str, basis: str, source: Any, since: Any) -> dict[str, Any]:
    return {
        "person_id": person_id,
        "organisation": organisation,
        "basis": basis,
        "source_id": str(source),
        "since": since,
        "until": None,
    }


def _registered() -> list[dict[str, Any]]:
    known = {str(p) for p in op.get_bind().execute(sa.select(people.c.id)).scalars()}
    found = op.get_bind().execute(
        sa.select(audit_log).where(audit_log.c.action == "person.register")
    )
    return [
        _row(uuid.UUID(r.subject), r.organisation, "registered", r.subject, r.at)
        for r in found
        if r.subject in known
    ]


def _assessed() -> list[dict[str, Any]]:
    found = op.get_bind().execute(sa.select(assessments))
    return [
        _row(r.person_id, r.partner_organisation, "assessed", r.id, r.recorded_at) for r in found
    ]


def _providers() -> list[dict[str, Any]]:
    """The provider of each task on a person's latest plan, from the version it joined."""
    found = op.get_bind().execute(
        sa.select(plan_versions).order_by(plan_versions.c.person_id, plan_versions.c.version)
    )
    joined: dict[tuple[Any, str], tuple[str, date]] = {}
    latest: dict[Any, set[str]] = {}
    for version in found:
        tasks = {t["delegation_id"]: t["provider_organisation"] for t in version.tasks}
        for delegation_id, provider in tasks.items():
            joined.setdefault(
                (version.person_id, delegation_id), (provider, version.effective_from)
            )
        latest[version.person_id] = set(tasks)
    return [
        _row(person_id, provider, "provider", delegation_id, _start_of(since))
        for (person_id, delegation_id), (provider, since) in joined.items()
        if delegation_id in latest[person_id]
    ]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def downgrade() -> None:
    op.create_table(
        "provider_access",
        sa.Column("person_id", sa.Uuid, sa.ForeignKey("people.id"), primary_key=True),
        sa.Column("organisation", sa.String(200), primary_key=True),
    )
    providers = op.get_bind().execute(
        sa.select(relationships.c.person_id, relationships.c.organisation)
        .where(relationships.c.basis == "provider")
        .distinct()
    )
    rows = [{"person_id": r.person_id, "organisation": r.organisation} for r in providers]
    if rows:
        access = sa.table("provider_access", sa.column("person_id"), sa.column("organisation"))
        op.get_bind().execute(sa.insert(access), rows)
