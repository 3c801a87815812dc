"""The read side of competence (R16): assessments, warnings and escalations (R25)."""

from collections.abc import Sequence
from dataclasses import dataclass
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
from services.training.queries.lists import ProviderFilter, between, filtered
from services.training.queries.refreshers import refresher_due_on
from services.training.schemas.competence import CompetenceRead
from shared import pages
from shared.auth import CurrentUser
from shared.events.training import CompetenceOutcome


@dataclass(frozen=True)
class AssessmentFilter:
    task_code: str | None = None
    person_id: UUID | None = None
    outcome: CompetenceOutcome | None = None
    current: bool | None = None


ASSESSMENTS = (
    pages.Key(CompetenceAssessment.assessed_on, date),
    pages.Key(CompetenceAssessment.attempt, int),
    pages.Key(CompetenceAssessment.id, UUID),
)


async def assessments(
    session: AsyncSession, worker_id: UUID, where: AssessmentFilter, limit: int, cursor: str | None
) -> tuple[Sequence[CompetenceAssessment], str | None]:
    """The worker's assessments, oldest first, a page at a time."""
    query = select(CompetenceAssessment).where(CompetenceAssessment.worker_id == worker_id)
    for column, value in (
        (CompetenceAssessment.task_code, where.task_code),
        (CompetenceAssessment.person_id, where.person_id),
        (CompetenceAssessment.outcome, where.outcome),
        (CompetenceAssessment.current, where.current),
    ):
        if value is not None:
            query = query.where(column == value)
    return await pages.keyset(session, query, ASSESSMENTS, limit, cursor)


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


WARNINGS = (pages.Key(CompetenceWarning.warned_on, date), pages.Key(CompetenceWarning.id, UUID))


async def warnings(
    session: AsyncSession, user: CurrentUser, where: ProviderFilter, limit: int, cursor: str | None
) -> tuple[Sequence[CompetenceWarning], str | None]:
    """Warnings to the providers the caller sees (filtered by `where`), oldest first, a page at
    a time."""
    model = CompetenceWarning
    query = select(model).where(covered(model.provider_organisation, await scope(session, user)))
    query = filtered(query, where, model.provider_organisation, model.worker_id, model.task_code)
    query = between(query, model.warned_on, where)
    return await pages.keyset(session, query, WARNINGS, limit, cursor)


ESCALATIONS = (
    pages.Key(FailureEscalation.escalated_on, date),
    pages.Key(FailureEscalation.assessment_id, UUID),
)


async def escalations(
    session: AsyncSession, user: CurrentUser, where: ProviderFilter, limit: int, cursor: str | None
) -> tuple[Sequence[FailureEscalation], str | None]:
    """R25: escalations to the providers the caller sees (filtered by `where`), oldest first, a
    page at a time."""
    model = FailureEscalation
    query = select(model).where(covered(model.provider_organisation, await scope(session, user)))
    query = filtered(query, where, model.provider_organisation, model.worker_id, model.task_code)
    query = between(query, model.escalated_on, where)
    return await pages.keyset(session, query, ESCALATIONS, limit, cursor)
