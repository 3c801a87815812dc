"""The read side of competence (R16): assessments, warnings and escalations (R25)."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.domain.competence import is_competent
from services.training.models import (
    CompetenceAssessment,
    CompetenceWarning,
    FailureEscalation,
    Instruction,
    InstructionRequirement,
)
from services.training.queries.assessors import covered, scope
from services.training.queries.refreshers import refresher_due_on
from services.training.schemas.competence import CompetenceRead
from shared.auth import CurrentUser
from shared.events.training import CompetenceOutcome


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
        and is_competent(outcome, latest.valid_until, latest.lapsed_on is not None, on),
        in_failure_process=outcome is CompetenceOutcome.NOT_YET_COMPETENT,
        valid_until=latest.valid_until if latest else None,
        reassessment_on=latest.reassessment_on if latest else None,
        instructed_on=await instructed_on(session, worker_id, task_code, person_id),
        refresher_due_on=await refresher_due_on(session, latest.id) if latest else None,
    )


async def instructed_on(
    session: AsyncSession, worker_id: UUID, task_code: str, person_id: UUID | None
) -> date | None:
    """A 5.13: when the worker was last instructed in the task (for the person, if given)."""
    query = (
        select(func.max(Instruction.instructed_on))
        .join(InstructionRequirement, Instruction.requirement_id == InstructionRequirement.id)
        .where(Instruction.worker_id == worker_id, InstructionRequirement.task_code == task_code)
    )
    if person_id is not None:
        query = query.where(InstructionRequirement.person_id == person_id)
    found: date | None = await session.scalar(query)
    return found


async def warnings(
    session: AsyncSession, user: CurrentUser, provider: str | None
) -> Sequence[CompetenceWarning]:
    """Warnings to the providers the caller sees (optionally one of them)."""
    column = CompetenceWarning.provider_organisation
    query = select(CompetenceWarning).where(covered(column, await scope(session, user)))
    if provider is not None:
        query = query.where(column == provider)
    order = (CompetenceWarning.warned_on, CompetenceWarning.id)
    return (await session.scalars(query.order_by(*order))).all()


async def escalations(
    session: AsyncSession, user: CurrentUser, provider: str | None
) -> Sequence[FailureEscalation]:
    """R25: escalations to the providers the caller sees (optionally one of them)."""
    column = FailureEscalation.provider_organisation
    query = select(FailureEscalation).where(covered(column, await scope(session, user)))
    if provider is not None:
        query = query.where(column == provider)
    return (await session.scalars(query.order_by(FailureEscalation.escalated_on))).all()
