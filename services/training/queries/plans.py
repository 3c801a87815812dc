"""The read side of training plans (R24, R25) and their backfill."""

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from sqlalchemy import Select, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.domain.plans import PlanStatus
from services.training.domain.refreshers import Intervals, intervals_of, strictest
from services.training.models import (
    InstructionRequirement,
    PlanWorker,
    TrainingPlan,
    TrainingRelease,
)
from services.training.queries.assessors import scope, sees_task_for, task_visible
from services.training.schemas.plans import TrainingPlanContent, TrainingPlanRead
from shared import pages
from shared.access import listed
from shared.auth import CurrentUser
from shared.db import now
from shared.errors import NotFound
from shared.events.vocabulary import RelationshipBasis
from shared.relationships import relationships

PLAN = "training_plan"
ACCOUNTABLE = (RelationshipBasis.MDT.value, RelationshipBasis.OVERSIGHT.value)


async def load_plan(session: AsyncSession, user: CurrentUser, plan_id: UUID) -> TrainingPlan:
    """The plan, read (and audited) by those who see the person's task; else 404."""
    plan = await session.get(TrainingPlan, plan_id)
    if plan is None or not await sees_task_for(
        session, user, plan.provider_organisation, plan.person_id
    ):
        raise NotFound(f"no training plan {plan_id}")
    await listed(session, user, PLAN, [plan.person_id])
    return plan


async def own_plan(session: AsyncSession, user: CurrentUser, plan_id: UUID) -> TrainingPlan:
    """The plan of the caller's own organisation, the provider (to agree it, to release
    workers for it); else 404."""
    plan = await session.get(TrainingPlan, plan_id)
    if plan is None or plan.provider_organisation != user.organisation:
        raise NotFound(f"no training plan {plan_id}")
    return plan


async def accountable_for(session: AsyncSession, organisation: str, person_id: UUID) -> bool:
    """R24: the organisation proposed a task for the person, sits on its MDT or keeps its
    clinical oversight (its current relationships with the person say so)."""
    at = now(session)
    found = await session.scalar(
        select(
            exists().where(
                relationships.c.person_id == person_id,
                relationships.c.organisation == organisation,
                relationships.c.basis.in_(ACCOUNTABLE),
                relationships.c.since <= at,
                or_(relationships.c.until.is_(None), relationships.c.until > at),
            )
        )
    )
    return bool(found)


async def plan_intervals(
    session: AsyncSession, worker_id: UUID, task_code: str, person_id: UUID | None
) -> Intervals | None:
    """R25: the strictest intervals of the plans in force naming the worker in the task (for
    the person, when the competence is specific to one)."""
    query = (
        select(TrainingPlan.content)
        .join(PlanWorker, PlanWorker.plan_id == TrainingPlan.id)
        .where(
            PlanWorker.worker_id == worker_id,
            TrainingPlan.task_code == task_code,
            TrainingPlan.status == PlanStatus.IN_FORCE.value,
        )
    )
    if person_id is not None:
        query = query.where(TrainingPlan.person_id == person_id)
    contents = await session.scalars(query)
    return strictest(intervals_of(content) for content in contents if content is not None)


async def plan_worker_ids(session: AsyncSession, plan_id: UUID) -> list[UUID]:
    rows = await session.scalars(
        select(PlanWorker.worker_id)
        .where(PlanWorker.plan_id == plan_id)
        .order_by(PlanWorker.worker_id)
    )
    return list(rows)


async def plan_read(session: AsyncSession, plan: TrainingPlan) -> TrainingPlanRead:
    total = await session.scalar(
        select(func.coalesce(func.sum(TrainingRelease.cost_pence), 0)).where(
            TrainingRelease.plan_id == plan.id
        )
    )
    return TrainingPlanRead(
        id=plan.id,
        delegation_id=plan.delegation_id,
        person_id=plan.person_id,
        task_code=plan.task_code,
        provider_organisation=plan.provider_organisation,
        status=PlanStatus(plan.status),
        required_on=plan.required_on,
        worker_ids=await plan_worker_ids(session, plan.id),
        content=TrainingPlanContent.model_validate(plan.content) if plan.content else None,
        agreed_on=plan.agreed_on,
        practitioner_agreed_on=plan.practitioner_agreed_on,
        practitioner_organisation=plan.practitioner_organisation,
        returned_on=plan.returned_on,
        returned_reason=plan.returned_reason,
        backfill_total_pence=int(total or 0),
    )


@dataclass(frozen=True)
class TaskFilter:
    """What a list of people's delegated tasks (plans, instruction requirements) is filtered by."""

    status: str | None = None
    person_id: UUID | None = None
    delegation_id: UUID | None = None
    task_code: str | None = None
    provider_organisation: str | None = None
    required_from: date | None = None
    required_to: date | None = None

    def apply(
        self, query: Select[Any], model: type[TrainingPlan | InstructionRequirement]
    ) -> Select[Any]:
        for column, value in (
            (model.status, self.status),
            (model.person_id, self.person_id),
            (model.delegation_id, self.delegation_id),
            (model.task_code, self.task_code),
            (model.provider_organisation, self.provider_organisation),
        ):
            if value is not None:
                query = query.where(column == value)
        if self.required_from is not None:
            query = query.where(model.required_on >= self.required_from)
        if self.required_to is not None:
            query = query.where(model.required_on <= self.required_to)
        return query


ORDER = (pages.Key(TrainingPlan.required_on, date), pages.Key(TrainingPlan.id, UUID))


async def plans(
    session: AsyncSession, user: CurrentUser, where: TaskFilter, limit: int, cursor: str | None
) -> tuple[list[TrainingPlanRead], str | None]:
    """The plans of the people's tasks the caller sees (`sees_task_for`), soonest required
    first, a page at a time; each read audited."""
    visible = await scope(session, user)
    at = now(session)
    query = select(TrainingPlan).where(
        task_visible(user, visible, TrainingPlan.provider_organisation, TrainingPlan.person_id, at)
    )
    query = where.apply(query, TrainingPlan)
    found, next_cursor = await pages.keyset(session, query, ORDER, limit, cursor)
    await listed(session, user, PLAN, [plan.person_id for plan in found])
    return [await plan_read(session, plan) for plan in found], next_cursor
