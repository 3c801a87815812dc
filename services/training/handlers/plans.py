"""Training plans (R24, R25) from the delegation service's events; agreement and backfill."""

from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.domain import plans as domain
from services.training.domain.dates import check_past
from services.training.domain.instructions import needs_training_plan
from services.training.domain.plans import PlanStatus
from services.training.handlers.instructions import require_instructions, withdraw_instructions
from services.training.models import LiveTask, PlanWorker, TrainingPlan, TrainingRelease, Worker
from services.training.queries.plans import own_plan, plan_worker_ids
from services.training.schemas.plans import ReleaseCreate, TrainingPlanContent
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import now, today
from shared.errors import InvalidInput
from shared.events.delegation import DelegationAccepted, DelegationEnded, TaskDelegated
from shared.outbox import publish

UNRECORDED_ROLE = "care_worker"


async def _ensure_workers(session: AsyncSession, worker_ids: list[UUID], organisation: str) -> None:
    """Workers named by the provider's acceptance are known here from then on."""
    known = set(await session.scalars(select(Worker.id).where(Worker.id.in_(worker_ids))))
    for worker_id in dict.fromkeys(worker_ids):
        if worker_id not in known:
            session.add(
                Worker(
                    id=worker_id,
                    organisation=organisation,
                    role=UNRECORDED_ROLE,
                    registered_at=now(session),
                )
            )


async def on_delegation_accepted(session: AsyncSession, event: DelegationAccepted) -> None:
    """R24: the provider accepted the task, so its workers need a training plan for it.

    A task that needs no specific training (A 5.13) gets an instruction per worker instead.
    """
    if not needs_training_plan(event.needs_specific_training):
        await _ensure_workers(session, event.worker_ids, event.provider_organisation)
        await require_instructions(session, event)
        return
    exists = await session.scalar(
        select(TrainingPlan.id).where(TrainingPlan.delegation_id == event.delegation_id)
    )
    if exists is not None:
        return
    await _ensure_workers(session, event.worker_ids, event.provider_organisation)
    plan = TrainingPlan(
        id=uuid4(),
        delegation_id=event.delegation_id,
        person_id=event.person_id,
        task_code=event.task_code,
        provider_organisation=event.provider_organisation,
        status=PlanStatus.REQUIRED,  # a plan is born required: no transition leads here
        required_on=event.accepted_on,
    )
    session.add(plan)
    await session.flush()
    session.add_all(
        PlanWorker(plan_id=plan.id, worker_id=w) for w in dict.fromkeys(event.worker_ids)
    )
    await audit(session, SYSTEM, "training_plan.require", plan.id, str(event.delegation_id))


async def on_task_delegated(session: AsyncSession, event: TaskDelegated) -> None:
    """The task is live: record which workers carry it out."""
    await _ensure_workers(session, event.worker_ids, event.provider_organisation)
    await session.merge(
        LiveTask(
            delegation_id=event.delegation_id,
            person_id=event.person_id,
            task_code=event.task_code,
            provider_organisation=event.provider_organisation,
            worker_ids=[str(w) for w in event.worker_ids],
            started_on=event.start_date,
            ended_on=None,
        )
    )
    await audit(session, SYSTEM, "live_task.record", event.delegation_id)


async def on_delegation_ended(session: AsyncSession, event: DelegationEnded) -> None:
    """The delegation ended: its live task ends; an awaited plan or instruction is withdrawn."""
    task = await session.get(LiveTask, event.delegation_id)
    if task is not None:
        task.ended_on = event.effective_date
    plan = await session.scalar(
        select(TrainingPlan).where(TrainingPlan.delegation_id == event.delegation_id)
    )
    if plan is not None:
        plan.status = domain.after_delegation_ended(PlanStatus(plan.status))
    await withdraw_instructions(session, event.delegation_id)
    await audit(session, SYSTEM, "delegation.end", event.delegation_id, event.reason)


async def agree_plan(
    session: AsyncSession, actor: CurrentUser, plan_id: UUID, body: TrainingPlanContent
) -> TrainingPlan:
    """R24, R25: the provider agrees the complete plan; each of its workers is announced."""
    plan = await own_plan(session, actor, plan_id)
    facts = domain.PlanFacts(
        plan_id=plan.id,
        delegation_id=plan.delegation_id,
        task_code=plan.task_code,
        provider_organisation=plan.provider_organisation,
        status=PlanStatus(plan.status),
        worker_ids=await plan_worker_ids(session, plan.id),
    )
    content = body.model_dump(mode="json")
    plan.status, events = domain.agree_training_plan(facts, content, today(session))
    plan.content = content
    plan.backfill_hourly_rate_pence = body.backfill_hourly_rate_pence
    plan.agreed_on = today(session)
    plan.agreed_by = actor.user_id
    for event in events:
        await publish(session, event)
    await audit(session, actor, "training_plan.agree", plan.id)
    return plan


async def record_release(
    session: AsyncSession, actor: CurrentUser, plan_id: UUID, body: ReleaseCreate
) -> TrainingRelease:
    """Release for training: minutes x the plan's hourly rate, in pence, against the plan."""
    plan = await own_plan(session, actor, plan_id)
    check_past("released_on", body.released_on, today(session))
    rate = domain.check_release(PlanStatus(plan.status), plan.backfill_hourly_rate_pence)
    if body.worker_id not in await plan_worker_ids(session, plan.id):
        raise InvalidInput("worker_id", "the worker is not on this training plan")
    release = TrainingRelease(
        id=uuid4(),
        plan_id=plan.id,
        worker_id=body.worker_id,
        minutes=body.minutes,
        hourly_rate_pence=rate,
        cost_pence=domain.backfill_cost_pence(body.minutes, rate),
        released_on=body.released_on,
        recorded_by=actor.user_id,
    )
    session.add(release)
    await session.flush()
    await audit(session, actor, "training_release.record", plan.id, f"{release.cost_pence}p")
    return release
