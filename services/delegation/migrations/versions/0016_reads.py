"""Issue 20 item 5, reads at LLR scale: the next oversight visit's due day stored on the
delegation (with the last visit's day it follows from) and read on an index by due day, an
owner's and everyone's (R17); how many times a day the task's frequency says, so missed
applications are found in SQL a day at a time (R16); the workers named on each delegation, one
row each, so a care worker's tasks are found on an index (R16). All filled from the rows held.

Revision ID: 0016_reads
Revises: 0015
"""

import uuid
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

from services.delegation.domain.delivery import schedule_from_frequency
from shared.db import JSONDocument

revision = "0016_reads"
down_revision = "0015"
branch_labels = None
depends_on = None

RUNNING = ("live", "suspended", "clinically_suspended")  # domain.delegations.RUNNING, as stored
DUE = sa.text("next_visit_due IS NOT NULL")
INDEXES = {
    "ix_delegations_oversight_owner_next_visit_due_id": [
        "oversight_owner",
        "next_visit_due",
        "id",
    ],
    "ix_delegations_next_visit_due_id": ["next_visit_due", "id"],
}
BATCH = 1000


def upgrade() -> None:
    op.add_column("delegations", sa.Column("last_visited_on", sa.Date, nullable=True))
    op.add_column("delegations", sa.Column("next_visit_due", sa.Date, nullable=True))
    op.add_column("delegations", sa.Column("frequency_times", sa.Integer, nullable=True))
    for name, columns in INDEXES.items():
        op.create_index(name, "delegations", columns, postgresql_where=DUE, sqlite_where=DUE)
    op.create_table(
        "named_workers",
        sa.Column("delegation_id", sa.Uuid, sa.ForeignKey("delegations.id"), primary_key=True),
        sa.Column("worker_id", sa.Uuid, primary_key=True),
    )
    op.create_index(
        "ix_named_workers_worker_id_delegation_id", "named_workers", ["worker_id", "delegation_id"]
    )
    _backfill()


def _backfill() -> None:
    """The stored due day as the list computed it, and each delegation's named workers."""
    bind = op.get_bind()
    delegations = sa.table(
        "delegations",
        sa.column("id", sa.Uuid),
        sa.column("status", sa.String),
        sa.column("oversight_owner", sa.String),
        sa.column("oversight_interval_days", sa.Integer),
        sa.column("start_date", sa.Date),
        sa.column("worker_ids", JSONDocument),
        sa.column("last_visited_on", sa.Date),
        sa.column("next_visit_due", sa.Date),
        sa.column("frequency", sa.String),
        sa.column("frequency_times", sa.Integer),
    )
    visits = sa.table(
        "oversight_visits", sa.column("delegation_id", sa.Uuid), sa.column("visited_on", sa.Date)
    )
    named = sa.table(
        "named_workers", sa.column("delegation_id", sa.Uuid), sa.column("worker_id", sa.Uuid)
    )
    last = dict(
        bind.execute(
            sa.select(visits.c.delegation_id, sa.func.max(visits.c.visited_on)).group_by(
                visits.c.delegation_id
            )
        ).all()
    )
    rows = bind.execute(
        sa.select(
            delegations.c.id,
            delegations.c.status,
            delegations.c.oversight_owner,
            delegations.c.oversight_interval_days,
            delegations.c.start_date,
            delegations.c.worker_ids,
            delegations.c.frequency,
        )
    ).all()
    updates, workers = [], []
    for id_, status, owner, interval, start, worker_ids, frequency in rows:
        visited = last.get(id_)
        since = visited or start
        running = status in RUNNING and owner is not None
        due = since + timedelta(days=interval) if running and interval and since else None
        schedule = schedule_from_frequency(frequency)
        times = schedule.times_per_day if schedule is not None else None
        updates.append({"key": id_, "last": visited, "due": due, "times": times})
        workers += [
            {"delegation_id": id_, "worker_id": uuid.UUID(w)}
            for w in dict.fromkeys(worker_ids or [])
        ]
    update = (
        sa.update(delegations)
        .where(delegations.c.id == sa.bindparam("key"))
        .values(
            last_visited_on=sa.bindparam("last"),
            next_visit_due=sa.bindparam("due"),
            frequency_times=sa.bindparam("times"),
        )
    )
    for at in range(0, len(updates), BATCH):
        bind.execute(update, updates[at : at + BATCH])
    for at in range(0, len(workers), BATCH):
        bind.execute(sa.insert(named), workers[at : at + BATCH])


def downgrade() -> None:
    op.drop_index("ix_named_workers_worker_id_delegation_id", table_name="named_workers")
    op.drop_table("named_workers")
    for name in INDEXES:
        op.drop_index(name, table_name="delegations")
    op.drop_column("delegations", "frequency_times")
    op.drop_column("delegations", "next_visit_due")
    op.drop_column("delegations", "last_visited_on")
