"""Training plans (R24, R25) from the delegation service's events; agreement and backfill."""

from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.domain import plans as domain
from services.training.domain.dates import check_past
from services.training.domain.instructions import needs_training_plan
from services.training.domain.plans import PlanStatus
from services.training.domain.refreshers import intervals_of
from services.training.handlers.instructions import require_instructions, withdraw_instructions
from services.training.models import LiveTask, PlanWorker, TrainingPlan, TrainingRelease, Worker
from services.training.queries.plans import (
    accountable_for,
    load_plan,
    own_plan,
    plan_worker_ids,
)
from services.training.schemas.plans import PlanReturn, ReleaseCreate, TrainingPlanContent
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import now, today
from shared.errors import InvalidInput
from shared.events.delegation import DelegationAccepted, DelegationEnded, TaskDelegated
from shared.organisations import find
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
    await _put_on_support_plan(session, event.delegation_id)


async def _put_on_support_plan(session: AsyncSession, delegation_id: UUID) -> None:
    """R24: the live task's plan in force goes on the person's support plan."""
    plan = await session.scalar(
        select(TrainingPlan).where(TrainingPlan.delegation_id == delegation_id)
    )
    if plan is None:
        return
    entry = domain.on_support_plan(_facts(plan, []), _in_force(plan))
    if entry is not None:
        await publish(session, entry)


def _in_force(plan: TrainingPlan) -> domain.InForce | None:
    if plan.content is None or plan.practitioner_agreed_on is None:
        return None
    intervals = intervals_of(plan.content)
    return domain.InForce(
        person_id=plan.person_id,
        practitioner_organisation=plan.practitioner_organisation,
        in_force_on=plan.practitioner_agreed_on,
        refresher_interval_months=intervals.refresher_months,
        reassessment_interval_months=intervals.reassessment_months,
    )


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


def _facts(plan: TrainingPlan, worker_ids: list[UUID]) -> domain.PlanFacts:
    return domain.PlanFacts(
        plan_id=plan.id,
        delegation_id=plan.delegation_id,
        task_code=plan.task_code,
        provider_organisation=plan.provider_organisation,
        status=PlanStatus(plan.status),
        worker_ids=worker_ids,
    )


async def agree_plan(
    session: AsyncSession, actor: CurrentUser, plan_id: UUID, body: TrainingPlanContent
) -> TrainingPlan:
    """R24, R25: the provider agrees the complete plan; the accountable practitioner is next."""
    plan = await own_plan(session, actor, plan_id)
    content = body.model_dump(mode="json")
    plan.status = domain.agree_as_provider(PlanStatus(plan.status), content)
    plan.content = content
    plan.backfill_hourly_rate_pence = body.backfill_hourly_rate_pence
    plan.agreed_on = today(session)
    plan.agreed_by = actor.user_id
    await session.flush()
    await audit(session, actor, "training_plan.agree", plan.id)
    return plan


async def _practitioner(
    session: AsyncSession, actor: CurrentUser, plan: TrainingPlan
) -> domain.Practitioner:
    organisation = await find(session, actor.organisation)
    return domain.Practitioner(
        role=actor.role.value,
        organisation=actor.organisation,
        is_health=organisation is not None and organisation.is_health,
        accountable=await accountable_for(session, actor.organisation, plan.person_id),
    )


async def agree_as_practitioner(
    session: AsyncSession, actor: CurrentUser, plan_id: UUID
) -> TrainingPlan:
    """R24: the accountable practitioner agrees the provider's plan: it is in force, and each
    of its workers is announced (so R16 counts it only now)."""
    plan = await load_plan(session, actor, plan_id)
    facts = _facts(plan, await plan_worker_ids(session, plan.id))
    plan.status, events = domain.agree_as_practitioner(
        facts, await _practitioner(session, actor, plan), today(session)
    )
    plan.practitioner_agreed_on = today(session)
    plan.practitioner_agreed_by = actor.user_id
    plan.practitioner_organisation = actor.organisation
    await session.flush()
    for event in events:
        await publish(session, event)
    await audit(session, actor, "training_plan.agree_clinically", plan.id)
    return plan


async def return_plan(
    session: AsyncSession, actor: CurrentUser, plan_id: UUID, body: PlanReturn
) -> TrainingPlan:
    """R24: the accountable practitioner does not agree: the provider writes the plan again."""
    plan = await load_plan(session, actor, plan_id)
    facts = _facts(plan, [])
    practitioner = await _practitioner(session, actor, plan)
    plan.status = domain.return_to_provider(facts, practitioner, body.reason)
    plan.returned_on = today(session)
    plan.returned_reason = body.reason
    await session.flush()
    await audit(session, actor, "training_plan.return", plan.id)
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
