"""Named workers (R16, R24): the provider adds, replaces or removes them while the delegation
runs; a worker who leaves the provider comes off every delegation; each running delegation's
workers judged on the day."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import delegations as rules
from services.delegation.handlers.delegations.going_live import reassess
from services.delegation.handlers.delegations.loading import (
    delegation_for_update,
    facts_of,
    name_workers,
)
from services.delegation.models import Delegation, ProviderWorker, WorkerDeparture
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import today
from shared.events.delegation import WorkerRemovalCause
from shared.events.training import WorkerLeft, WorkerRegistered
from shared.outbox import publish


async def record_departure(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, worker_id: UUID
) -> Delegation:
    """R16: a worker who leaves no longer carries out the task; with nobody competent left the
    delegation suspends and the task returns to its owner."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    await _take_off(session, actor, delegation, worker_id, today(session))
    await reassess(session, delegation)
    return delegation


async def change_workers(
    session: AsyncSession,
    actor: CurrentUser,
    delegation_id: UUID,
    add: UUID | None,
    remove: UUID | None,
) -> Delegation:
    """R16, R24: the provider names another worker, takes one off, or both at once (a
    replacement); the delegation stays live while a competent worker remains."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    rules.check_running(facts_of(delegation))
    if add is not None and remove is not None and await _replaced(session, delegation, add, remove):
        return delegation  # the same replacement again: no second effect
    on = today(session)
    if add is not None:
        await _name(session, actor, delegation, add, on)
    if remove is not None:
        await _take_off(session, actor, delegation, remove, on)
    await reassess(session, delegation)
    return delegation


async def _replaced(session: AsyncSession, delegation: Delegation, add: UUID, remove: UUID) -> bool:
    if str(add) not in delegation.worker_ids or str(remove) in delegation.worker_ids:
        return False
    return await session.get(WorkerDeparture, (delegation.id, remove)) is not None


async def _name(
    session: AsyncSession, actor: CurrentUser, delegation: Delegation, worker_id: UUID, on: date
) -> None:
    known = await session.get(ProviderWorker, worker_id)
    worker = None
    if known is not None:
        worker = rules.ProviderWorker(known.worker_id, known.provider_organisation, known.left_on)
    added = rules.add_worker(facts_of(delegation), worker, worker_id, "worker_id", on)
    if added is None:
        return
    await name_workers(session, delegation, [*delegation.worker_ids, str(worker_id)])
    await session.execute(
        delete(WorkerDeparture).where(
            WorkerDeparture.delegation_id == delegation.id, WorkerDeparture.worker_id == worker_id
        )
    )
    await session.flush()
    await publish(session, added)
    await audit(session, actor, "delegation.worker_add", delegation.id, str(worker_id))


async def _take_off(
    session: AsyncSession,
    actor: CurrentUser,
    delegation: Delegation,
    worker_id: UUID,
    on: date,
    cause: WorkerRemovalCause = WorkerRemovalCause.REMOVED,
) -> None:
    removed = rules.remove_worker(facts_of(delegation), worker_id, on, cause)
    await name_workers(
        session, delegation, [w for w in delegation.worker_ids if w != str(worker_id)]
    )
    await session.merge(
        WorkerDeparture(
            delegation_id=delegation.id,
            worker_id=worker_id,
            left_on=on,
            recorded_by=actor.user_id,
            cause=cause.value,
        )
    )
    await session.flush()
    await publish(session, removed)
    await audit(session, actor, "delegation.worker_left", delegation.id, str(worker_id))


async def on_worker_registered(session: AsyncSession, event: WorkerRegistered) -> None:
    """Training registered a worker: whose worker it is, so its provider may name them."""
    known = await session.get(ProviderWorker, event.worker_id)
    if known is None:
        session.add(
            ProviderWorker(
                worker_id=event.worker_id,
                provider_organisation=event.provider_organisation,
                left_on=None,
            )
        )
    await audit(session, SYSTEM, "worker.register", event.worker_id, event.provider_organisation)


async def on_worker_left(session: AsyncSession, event: WorkerLeft) -> None:
    """R16: a worker who left the provider comes off every delegation naming them, from the day
    they left; each suspends (and hands the task back) only if nobody competent is left.
    Redelivered, nothing more happens: they are named nowhere any more."""
    await session.merge(
        ProviderWorker(
            worker_id=event.worker_id,
            provider_organisation=event.provider_organisation,
            left_on=event.left_on,
        )
    )
    named = await session.scalars(
        select(Delegation)
        .where(
            Delegation.provider_organisation == event.provider_organisation,
            Delegation.status.in_(rules.ACTIVE),
        )
        .order_by(Delegation.id)
        .with_for_update()
    )
    for delegation in named.all():
        if str(event.worker_id) not in delegation.worker_ids:
            continue
        cause = WorkerRemovalCause.LEFT_PROVIDER
        await _take_off(session, SYSTEM, delegation, event.worker_id, event.left_on, cause)
        await reassess(session, delegation)
    await audit(session, SYSTEM, "worker.leave", event.worker_id, str(event.left_on))


async def judge_competence_today(session: AsyncSession, batch: int = 500) -> int:
    """Scheduler job, R16: once a day each running delegation's workers are judged on the day,
    so a competence stops counting on its valid_until even before training's CompetenceLapsed
    arrives; with nobody competent left it suspends and the task is handed back (R18)."""
    on = today(session)
    due = await session.scalars(
        select(Delegation)
        .where(
            Delegation.status.in_(rules.RUNNING),
            or_(Delegation.competence_checked_on.is_(None), Delegation.competence_checked_on < on),
        )
        .order_by(Delegation.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    judged = 0
    for delegation in due.all():
        await reassess(session, delegation)
        delegation.competence_checked_on = on
        judged += 1
    return judged
