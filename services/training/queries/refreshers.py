"""The read side of refreshers (R25): those done, and those due and not done yet."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.domain.competence import TrainingKind
from services.training.models import CompetenceAssessment, RefresherNotice, TrainingRecord
from services.training.queries.assessors import covered, scope
from services.training.queries.lists import ProviderFilter, between, filtered
from shared import pages
from shared.auth import CurrentUser


async def refreshers_done(
    session: AsyncSession, worker_id: UUID, task_code: str, person_id: UUID | None
) -> list[date]:
    """The days the worker completed refresher training in the task (for any person, or the
    person the competence is specific to)."""
    person: ColumnElement[bool] = TrainingRecord.person_id.is_(None)
    if person_id is not None:
        person = or_(person, TrainingRecord.person_id == person_id)
    rows = await session.scalars(
        select(TrainingRecord.completed_on).where(
            TrainingRecord.worker_id == worker_id,
            TrainingRecord.task_code == task_code,
            TrainingRecord.kind == TrainingKind.REFRESHER.value,
            person,
        )
    )
    return list(rows)


def _open() -> list[ColumnElement[bool]]:
    return [
        RefresherNotice.done_on.is_(None),
        CompetenceAssessment.current.is_(True),
        CompetenceAssessment.lapsed_on.is_(None),
    ]


DUE = (pages.Key(RefresherNotice.due_on, date), pages.Key(RefresherNotice.assessment_id, UUID))


async def due_refreshers(
    session: AsyncSession, user: CurrentUser, where: ProviderFilter, limit: int, cursor: str | None
) -> tuple[Sequence[RefresherNotice], str | None]:
    """Refreshers announced and not done, of current competences, to the providers the caller
    sees (filtered by `where`), soonest first, a page at a time."""
    model = RefresherNotice
    query = (
        select(model)
        .join(CompetenceAssessment, CompetenceAssessment.id == model.assessment_id)
        .where(covered(model.provider_organisation, await scope(session, user)), *_open())
    )
    query = filtered(query, where, model.provider_organisation, model.worker_id, model.task_code)
    query = between(query, model.due_on, where)
    return await pages.keyset(session, query, DUE, limit, cursor)


async def refresher_due_on(session: AsyncSession, assessment_id: UUID) -> date | None:
    """The day the refresher announced for this assessment is due by, while not done."""
    found: date | None = await session.scalar(
        select(RefresherNotice.due_on)
        .join(CompetenceAssessment, CompetenceAssessment.id == RefresherNotice.assessment_id)
        .where(RefresherNotice.assessment_id == assessment_id, *_open())
    )
    return found
