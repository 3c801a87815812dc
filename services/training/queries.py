"""The training service's read side."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training import domain
from services.training.handlers.plans import plan_worker_ids
from services.training.handlers.workers import sees_only_own_organisation
from services.training.models import (
    CompetenceAssessment,
    CompetenceWarning,
    FailureEscalation,
    TrainingPlan,
    TrainingRelease,
    Worker,
)
from services.training.schemas import (
    CompetenceRead,
    SignOffReport,
    SignOffRow,
    TrainingPlanContent,
    TrainingPlanRead,
)
from shared.auth import CurrentUser
from shared.errors import InvalidInput
from shared.events.training import CompetenceOutcome


def _organisation_for(user: CurrentUser, provider: str | None) -> str | None:
    """A provider manager sees their own organisation only; others may name one or see all."""
    return user.organisation if sees_only_own_organisation(user) else provider


async def workers(session: AsyncSession, user: CurrentUser) -> Sequence[Worker]:
    query = select(Worker).order_by(Worker.registered_at, Worker.id)
    if sees_only_own_organisation(user):
        query = query.where(Worker.organisation == user.organisation)
    return (await session.scalars(query)).all()


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
        status=domain.PlanStatus(plan.status),
        required_on=plan.required_on,
        worker_ids=await plan_worker_ids(session, plan.id),
        content=TrainingPlanContent.model_validate(plan.content) if plan.content else None,
        agreed_on=plan.agreed_on,
        backfill_total_pence=int(total or 0),
    )


async def plans(
    session: AsyncSession, user: CurrentUser, status: domain.PlanStatus | None
) -> list[TrainingPlanRead]:
    query = select(TrainingPlan).order_by(TrainingPlan.required_on, TrainingPlan.id)
    if sees_only_own_organisation(user):
        query = query.where(TrainingPlan.provider_organisation == user.organisation)
    if status is not None:
        query = query.where(TrainingPlan.status == status.value)
    return [await plan_read(session, plan) for plan in await session.scalars(query)]


async def assessments(session: AsyncSession, worker_id: UUID) -> Sequence[CompetenceAssessment]:
    query = (
        select(CompetenceAssessment)
        .where(CompetenceAssessment.worker_id == worker_id)
        .order_by(CompetenceAssessment.assessed_on, CompetenceAssessment.attempt)
    )
    return (await session.scalars(query)).all()


async def competence(
    session: AsyncSession, worker_id: UUID, task_code: str, person_id: UUID | None, on: date
) -> CompetenceRead:
    """R16: is the worker competent in the task (for the person) today?"""
    person = (
        CompetenceAssessment.person_id.is_(None)
        if person_id is None
        else CompetenceAssessment.person_id == person_id
    )
    latest = await session.scalar(
        select(CompetenceAssessment).where(
            CompetenceAssessment.worker_id == worker_id,
            CompetenceAssessment.task_code == task_code,
            person,
            CompetenceAssessment.current.is_(True),
        )
    )
    outcome = CompetenceOutcome(latest.outcome) if latest else None
    return CompetenceRead(
        worker_id=worker_id,
        task_code=task_code,
        person_id=person_id,
        competent=latest is not None
        and outcome is not None
        and domain.is_competent(outcome, latest.valid_until, latest.lapsed_on is not None, on),
        in_failure_process=outcome is CompetenceOutcome.NOT_YET_COMPETENT,
        valid_until=latest.valid_until if latest else None,
        reassessment_on=latest.reassessment_on if latest else None,
    )


async def warnings(
    session: AsyncSession, user: CurrentUser, provider: str | None
) -> Sequence[CompetenceWarning]:
    query = select(CompetenceWarning).order_by(CompetenceWarning.warned_on, CompetenceWarning.id)
    organisation = _organisation_for(user, provider)
    if organisation is not None:
        query = query.where(CompetenceWarning.provider_organisation == organisation)
    return (await session.scalars(query)).all()


async def escalations(
    session: AsyncSession, user: CurrentUser, provider: str | None
) -> Sequence[FailureEscalation]:
    query = select(FailureEscalation).order_by(FailureEscalation.escalated_on)
    organisation = _organisation_for(user, provider)
    if organisation is not None:
        query = query.where(FailureEscalation.provider_organisation == organisation)
    return (await session.scalars(query)).all()


async def sign_off_report(session: AsyncSession, start: date, end: date) -> SignOffReport:
    """R27: competence sign-offs per provider and task over a period, for the IPCB."""
    if end < start:
        raise InvalidInput("to", "the period must not end before it starts")
    competent = CompetenceAssessment.outcome == CompetenceOutcome.COMPETENT.value
    rows = await session.execute(
        select(
            CompetenceAssessment.provider_organisation,
            CompetenceAssessment.task_code,
            func.sum(case((competent, 1), else_=0)),
            func.sum(case((competent, 0), else_=1)),
        )
        .where(CompetenceAssessment.assessed_on.between(start, end))
        .group_by(CompetenceAssessment.provider_organisation, CompetenceAssessment.task_code)
        .order_by(CompetenceAssessment.provider_organisation, CompetenceAssessment.task_code)
    )
    return SignOffReport(
        period_from=start,
        period_to=end,
        rows=[
            SignOffRow(
                provider_organisation=provider,
                task_code=task,
                competent=int(yes),
                not_yet_competent=int(no),
            )
            for provider, task, yes, no in rows
        ],
    )
