"""A worker leaving their provider or changing role (R16), and the named workers a live
delegation gains or loses: its training plan follows them (R24)."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from services.training.domain import instructions
from services.training.domain import workers as domain
from services.training.domain.instructions import InstructionStatus
from services.training.domain.plans import PlanStatus
from services.training.handlers.plans import _ensure_workers
from services.training.models import (
    InstructionRequirement,
    LiveTask,
    PlanWorker,
    TrainingPlan,
    Worker,
)
from services.training.queries.workers import own_worker
from services.training.schemas.workers import DepartureCreate, RoleUpdate
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import today
from shared.events.delegation import NamedWorkerAdded, NamedWorkerRemoved
from shared.events.training import TrainingPlanAgreed
from shared.outbox import publish


async def record_departure(
    session: AsyncSession, actor: CurrentUser, worker_id: UUID, body: DepartureCreate
) -> Worker:
    """R16: the worker left the provider: inactive from that day, off every training plan and
    live task here; WorkerLeft tells delegation to take them off every delegation."""
    worker = await own_worker(session, actor, worker_id)
    event = domain.leave(
        worker.id, worker.organisation, worker.left_on, body.left_on, today(session)
    )
    if event is None:
        return worker
    worker.left_on = body.left_on
    await _off_everything(session, worker.id)
    await session.flush()
    await publish(session, event)
    await audit(session, actor, "worker.leave", worker.id, str(body.left_on))
    return worker


async def _off_everything(session: AsyncSession, worker_id: UUID) -> None:
    await session.execute(delete(PlanWorker).where(PlanWorker.worker_id == worker_id))
    tasks = await session.scalars(select(LiveTask).where(LiveTask.ended_on.is_(None)))
    for task in tasks:
        _without(task, worker_id)
    requirements = await session.scalars(select(InstructionRequirement))
    for requirement in requirements:
        _without(requirement, worker_id)


def _without(row: LiveTask | InstructionRequirement, worker_id: UUID) -> None:
    if str(worker_id) in row.worker_ids:
        row.worker_ids = [w for w in row.worker_ids if w != str(worker_id)]
        flag_modified(row, "worker_ids")


async def change_role(
    session: AsyncSession, actor: CurrentUser, worker_id: UUID, body: RoleUpdate
) -> Worker:
    """The provider changes a working worker's role; the audit trail keeps the old one."""
    worker = await own_worker(session, actor, worker_id)
    if domain.change_role(worker.id, worker.left_on, worker.role, body.role):
        await audit(
            session, actor, "worker.role_change", worker.id, f"{worker.role} -> {body.role}"
        )
        worker.role = body.role
        await session.flush()
    return worker


async def on_named_worker_added(session: AsyncSession, event: NamedWorkerAdded) -> None:
    """R24: a worker named on a live delegation goes on its training plan; a plan in force
    covers them from now (TrainingPlanAgreed for them), so R16 counts it once competent."""
    await _ensure_workers(session, [event.worker_id], event.provider_organisation)
    task = await session.get(LiveTask, event.delegation_id)
    if task is not None and str(event.worker_id) not in task.worker_ids:
        task.worker_ids = [*task.worker_ids, str(event.worker_id)]
        flag_modified(task, "worker_ids")
    await _to_instruct(session, event)
    plan = await session.scalar(
        select(TrainingPlan).where(TrainingPlan.delegation_id == event.delegation_id)
    )
    if plan is None or plan.status == PlanStatus.WITHDRAWN:
        return
    if await session.get(PlanWorker, (plan.id, event.worker_id)) is not None:
        return
    session.add(PlanWorker(plan_id=plan.id, worker_id=event.worker_id))
    await audit(session, SYSTEM, "training_plan.add_worker", plan.id, str(event.worker_id))
    if plan.status == PlanStatus.IN_FORCE and plan.practitioner_agreed_on is not None:
        await publish(session, _covered(plan, event.worker_id))


async def _to_instruct(session: AsyncSession, event: NamedWorkerAdded) -> None:
    """A 5.13: in a task needing no specific training the new worker is to be instructed."""
    requirement = await session.scalar(
        select(InstructionRequirement).where(
            InstructionRequirement.delegation_id == event.delegation_id
        )
    )
    if requirement is None or str(event.worker_id) in requirement.worker_ids:
        return
    status = instructions.worker_named(InstructionStatus(requirement.status))
    if status is None:
        return
    requirement.status = status
    requirement.worker_ids = [*requirement.worker_ids, str(event.worker_id)]
    flag_modified(requirement, "worker_ids")
    await audit(session, SYSTEM, "instruction.add_worker", requirement.id, str(event.worker_id))


def _covered(plan: TrainingPlan, worker_id: UUID) -> TrainingPlanAgreed:
    assert plan.practitioner_agreed_on is not None  # in force
    return TrainingPlanAgreed(
        worker_id=worker_id,
        plan_id=plan.id,
        delegation_id=plan.delegation_id,
        task_code=plan.task_code,
        provider_organisation=plan.provider_organisation,
        agreed_on=plan.practitioner_agreed_on,
        practitioner_organisation=plan.practitioner_organisation,
    )


async def on_named_worker_removed(session: AsyncSession, event: NamedWorkerRemoved) -> None:
    """A worker off a delegation comes off its training plan and live task here."""
    plan_id = await session.scalar(
        select(TrainingPlan.id).where(TrainingPlan.delegation_id == event.delegation_id)
    )
    if plan_id is not None:
        await session.execute(
            delete(PlanWorker).where(
                PlanWorker.plan_id == plan_id, PlanWorker.worker_id == event.worker_id
            )
        )
    task = await session.get(LiveTask, event.delegation_id)
    if task is not None:
        _without(task, event.worker_id)
    await audit(session, SYSTEM, "live_task.remove_worker", event.delegation_id, event.cause)
