"""The facts the readiness gates look at (R7, R15-R17, R24), loaded once per delegation, and
each named worker's standing today (R16)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import gates as rules
from services.delegation.domain.delegations import (
    RUNNING,
    CompetenceRecord,
    WorkerStanding,
    standing,
)
from services.delegation.models import (
    Competence,
    Consent,
    Delegation,
    Instruction,
    Person,
    TrainingPlan,
    WorkerDeparture,
)
from shared.db import today


def workers_of(delegation: Delegation) -> tuple[UUID, ...]:
    return tuple(UUID(w) for w in delegation.worker_ids)


async def readiness(session: AsyncSession, delegation: Delegation) -> rules.Readiness:
    """The facts each gate looks at, from this service's projections."""
    planned = await session.scalars(
        select(TrainingPlan.worker_id).where(TrainingPlan.delegation_id == delegation.id)
    )
    return rules.Readiness(
        accepted=delegation.accepted_on is not None,
        consent=await has_consent(session, delegation),
        workers=workers_of(delegation),
        competent_workers=await competent_workers(session, delegation),
        planned_workers=frozenset(planned),
        person_known=await session.get(Person, delegation.person_id) is not None,
        contact_arrangements=delegation.contact_arrangements,
        needs_specific_training=delegation.needs_specific_training,
        instructed_workers=await instructed_workers(session, delegation),
    )


async def instructed_workers(session: AsyncSession, delegation: Delegation) -> frozenset[UUID]:
    """A 5.13, R16: workers with a recorded instruction for this delegation (no expiry)."""
    rows = await session.scalars(
        select(Instruction.worker_id).where(
            Instruction.delegation_id == delegation.id,
            Instruction.task_code == delegation.task_code,
        )
    )
    return frozenset(rows)


async def gate_states(session: AsyncSession, delegation: Delegation) -> list[rules.GateState]:
    """Each gate of the delegation, green or what it is waiting for."""
    return rules.gates(await readiness(session, delegation))


async def has_consent(session: AsyncSession, delegation: Delegation) -> bool:
    """R7: consent in force given for (or linked to) this delegation, or not yet bound to one
    and given for this task to this provider or to any."""
    open_to_it = and_(
        Consent.delegation_id.is_(None),
        or_(
            Consent.provider_organisation.is_(None),
            Consent.provider_organisation == delegation.provider_organisation,
        ),
    )
    found = await session.scalar(
        select(Consent.consent_id)
        .where(
            Consent.person_id == delegation.person_id,
            Consent.task_code == delegation.task_code,
            Consent.withdrawn.is_(False),
            or_(Consent.delegation_id == delegation.id, open_to_it),
        )
        .limit(1)
    )
    return found is not None


async def competent_workers(session: AsyncSession, delegation: Delegation) -> frozenset[UUID]:
    """R16: named workers competent in this task and in date today (training's boundary)."""
    standings = await worker_standings(session, delegation)
    return frozenset(w.worker_id for w in standings if w.standing is WorkerStanding.IN_DATE)


@dataclass(frozen=True)
class WorkerOnTask:
    worker_id: UUID
    standing: WorkerStanding
    valid_until: date | None = None
    left_on: date | None = None


async def worker_standings(session: AsyncSession, delegation: Delegation) -> list[WorkerOnTask]:
    """R16: each named worker's standing today (person-specific competence only for that
    person), then the workers who have left."""
    rows = await session.scalars(
        select(Competence).where(
            Competence.worker_id.in_(workers_of(delegation)),
            Competence.task_code == delegation.task_code,
            Competence.scope.in_(("*", str(delegation.person_id))),
        )
    )
    by_worker: dict[UUID, list[Competence]] = {}
    for row in rows:
        by_worker.setdefault(row.worker_id, []).append(row)
    on = today(session)
    instructed: frozenset[UUID] = frozenset()
    if not delegation.needs_specific_training:
        instructed = await instructed_workers(session, delegation)
    off_plan = await off_plan_workers(session, delegation)
    named = [
        _on_task(w, by_worker.get(w, []), on, w in instructed, w not in off_plan)
        for w in workers_of(delegation)
    ]
    departures = await session.scalars(
        select(WorkerDeparture)
        .where(WorkerDeparture.delegation_id == delegation.id)
        .order_by(WorkerDeparture.left_on, WorkerDeparture.worker_id)
    )
    left = [WorkerOnTask(d.worker_id, WorkerStanding.LEFT, left_on=d.left_on) for d in departures]
    return named + left


def _on_task(
    worker_id: UUID,
    competences: list[Competence],
    on: date,
    instructed: bool,
    on_plan: bool = True,
) -> WorkerOnTask:
    records = [CompetenceRecord(c.competent, c.valid_until) for c in competences]
    dates = [c.valid_until for c in competences if c.competent]
    latest = None if not dates or None in dates else max(d for d in dates if d is not None)
    return WorkerOnTask(worker_id, standing(records, False, on, instructed, on_plan), latest)


async def off_plan_workers(session: AsyncSession, delegation: Delegation) -> frozenset[UUID]:
    """R24: named workers of a running delegation whose task needs specific training who are not
    (yet) on its training plan in force: they may not carry it out, however competent. Before
    it runs, the training plan gate says the same for every worker."""
    if not delegation.needs_specific_training or delegation.status not in RUNNING:
        return frozenset()
    planned = await session.scalars(
        select(TrainingPlan.worker_id).where(TrainingPlan.delegation_id == delegation.id)
    )
    return frozenset(workers_of(delegation)) - frozenset(planned)


async def standing_on(
    session: AsyncSession, delegation: Delegation, worker_id: UUID, on: date
) -> WorkerOnTask:
    """R16: one worker's standing on the delegation's task on a given day (the day of an
    application): named then (or left after it), competent and in date, or instructed."""
    if worker_id not in workers_of(delegation):
        departed = await session.get(WorkerDeparture, (delegation.id, worker_id))
        if departed is None or departed.left_on <= on:
            standing = WorkerStanding.LEFT if departed else WorkerStanding.NOT_NAMED
            return WorkerOnTask(worker_id, standing)
    rows = await session.scalars(
        select(Competence).where(
            Competence.worker_id == worker_id,
            Competence.task_code == delegation.task_code,
            Competence.scope.in_(("*", str(delegation.person_id))),
        )
    )
    instructed = not delegation.needs_specific_training and worker_id in (
        await instructed_workers(session, delegation)
    )
    on_plan = worker_id not in await off_plan_workers(session, delegation)
    return _on_task(worker_id, list(rows), on, instructed, on_plan)
