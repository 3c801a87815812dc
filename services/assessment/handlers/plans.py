"""Support plan versions, and delegated tasks added to or removed from the plan."""

import uuid
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.domain import plans
from services.assessment.handlers.people import locked_person
from services.assessment.models import SupportPlanVersion
from services.assessment.schemas.plans import SupportPlanCreate
from shared.access import may_act_on
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import now, today
from shared.errors import Conflict
from shared.events.delegation import DelegationEnded, TaskDelegated
from shared.outbox import publish


async def latest_version(session: AsyncSession, person_id: UUID) -> SupportPlanVersion | None:
    return await session.scalar(
        select(SupportPlanVersion)
        .where(SupportPlanVersion.person_id == person_id)
        .order_by(SupportPlanVersion.version.desc())
        .limit(1)
    )


def as_plan(row: SupportPlanVersion | None) -> plans.Plan:
    if row is None:
        return plans.Plan()
    visits = None
    if row.visits_per_day is not None:
        visits = plans.Visits(
            row.visits_per_day, row.minutes_per_visit or 0, row.days_per_week or 0
        )
    return plans.Plan(
        version=row.version,
        visits=visits,
        provider_organisation=row.provider_organisation,
        tasks=tuple(_task(t) for t in row.tasks),
        consent_ids=tuple(UUID(c) for c in row.consent_ids),
    )


def _task(stored: dict[str, Any]) -> plans.PlanTask:
    training_plan = stored.get("training_plan_id")  # R24: absent from versions made before
    return plans.PlanTask(
        UUID(stored["delegation_id"]),
        stored["task_code"],
        stored["provider_organisation"],
        UUID(training_plan) if training_plan else None,
    )


def _stored(task: plans.PlanTask) -> dict[str, Any]:
    stored = {
        "delegation_id": str(task.delegation_id),
        "task_code": task.task_code,
        "provider_organisation": task.provider_organisation,
    }
    if task.training_plan_id is not None:
        stored["training_plan_id"] = str(task.training_plan_id)
    return stored


async def save_version(
    session: AsyncSession,
    actor: CurrentUser,
    person_id: UUID,
    previous: SupportPlanVersion | None,
    plan: plans.Plan,
    *,
    effective_from: date,
    reason: str,
    idempotency_key: str | None = None,
) -> SupportPlanVersion:
    """Add the version the domain made (never overwrite) and publish it."""
    row = _row(person_id, previous.plan_id if previous else uuid.uuid4(), plan)
    row.effective_from, row.reason, row.idempotency_key = effective_from, reason, idempotency_key
    row.created_at, row.created_by = now(session), actor.user_id
    session.add(row)
    await session.flush()
    await publish(session, plans.versioned(person_id, row.plan_id, plan, effective_from))
    await audit(session, actor, "support_plan.version", person_id, f"v{row.version}: {reason}")
    return row


def _row(person_id: UUID, plan_id: UUID, plan: plans.Plan) -> SupportPlanVersion:
    return SupportPlanVersion(
        id=uuid.uuid4(),
        plan_id=plan_id,
        person_id=person_id,
        version=plan.version,
        visits_per_day=plan.visits and plan.visits.visits_per_day,
        minutes_per_visit=plan.visits and plan.visits.minutes_per_visit,
        days_per_week=plan.visits and plan.visits.days_per_week,
        provider_organisation=plan.provider_organisation,
        tasks=[_stored(t) for t in plan.tasks],
        consent_ids=[str(c) for c in plan.consent_ids],
    )


async def version_support_plan(
    session: AsyncSession,
    actor: CurrentUser,
    person_id: UUID,
    body: SupportPlanCreate,
    idempotency_key: str | None = None,
) -> tuple[SupportPlanVersion, bool]:
    """A new version with the commissioned visits and provider; True unless a repeat."""
    await may_act_on(session, actor, person_id)
    if idempotency_key is not None:
        repeated = await session.scalar(
            select(SupportPlanVersion).where(SupportPlanVersion.idempotency_key == idempotency_key)
        )
        if repeated is not None:
            if repeated.person_id != person_id:
                raise Conflict("this Idempotency-Key was used for another person")
            return repeated, False
    await locked_person(session, person_id)
    previous = await latest_version(session, person_id)
    visits = plans.Visits(body.visits_per_day, body.minutes_per_visit, body.days_per_week)
    new = plans.revised(
        as_plan(previous), visits, body.provider_organisation, body.based_on_version
    )
    row = await save_version(
        session,
        actor,
        person_id,
        previous,
        new,
        effective_from=body.effective_from or today(session),
        reason=body.reason,
        idempotency_key=idempotency_key,
    )
    return row, True


async def on_task_delegated(session: AsyncSession, event: TaskDelegated) -> None:
    """The live task joins the person's plan as a new version."""
    await locked_person(session, event.person_id)
    task = plans.PlanTask(event.delegation_id, event.task_code, event.provider_organisation)
    reason = f"task {event.task_code} delegated to {event.provider_organisation}"
    await add_task(session, event.person_id, task, event.start_date, reason)


async def add_task(
    session: AsyncSession, person_id: UUID, task: plans.PlanTask, effective_from: date, reason: str
) -> None:
    """A new version with the task, unless it is on the plan already."""
    previous = await latest_version(session, person_id)
    new = plans.with_task(as_plan(previous), task)
    if new is not None:
        await save_version(
            session, SYSTEM, person_id, previous, new, effective_from=effective_from, reason=reason
        )


async def task_in_history(
    session: AsyncSession, person_id: UUID, delegation_id: UUID
) -> plans.PlanTask | None:
    """The delegation's task as it last stood on any version of the plan."""
    rows = await session.scalars(
        select(SupportPlanVersion)
        .where(SupportPlanVersion.person_id == person_id)
        .order_by(SupportPlanVersion.version.desc())
    )
    for row in rows:
        for task in as_plan(row).tasks:
            if task.delegation_id == delegation_id:
                return task
    return None


async def on_delegation_ended(session: AsyncSession, event: DelegationEnded) -> None:
    """The ended task leaves the person's plan as a new version."""
    await locked_person(session, event.person_id)
    previous = await latest_version(session, event.person_id)
    new = plans.without_task(as_plan(previous), event.delegation_id)
    if new is not None:
        reason = f"task {event.task_code} ended: {event.reason}"
        await save_version(
            session,
            SYSTEM,
            event.person_id,
            previous,
            new,
            effective_from=event.effective_date,
            reason=reason,
        )
