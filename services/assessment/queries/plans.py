"""Support plan versions, oldest first."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.models import SupportPlanVersion
from services.assessment.queries.people import readable
from shared import pages
from shared.auth import CurrentUser
from shared.errors import NotFound


@dataclass(frozen=True)
class PlanVersionFilter:
    provider_organisation: str | None = None
    effective_from: date | None = None  # in effect from this day or later
    effective_to: date | None = None  # in effect from this day or earlier


ORDER = (pages.Key(SupportPlanVersion.version, int),)


async def plan_versions(
    session: AsyncSession,
    user: CurrentUser,
    person_id: UUID,
    where: PlanVersionFilter,
    limit: int,
    cursor: str | None,
    break_glass: str | None = None,
) -> tuple[Sequence[SupportPlanVersion], str | None]:
    """The person's plan versions, oldest first, a page at a time (the version is unique per
    person, so it orders them alone)."""
    await readable(session, user, person_id, "support_plan_versions", break_glass)
    query = select(SupportPlanVersion).where(SupportPlanVersion.person_id == person_id)
    if where.provider_organisation is not None:
        query = query.where(SupportPlanVersion.provider_organisation == where.provider_organisation)
    if where.effective_from is not None:
        query = query.where(SupportPlanVersion.effective_from >= where.effective_from)
    if where.effective_to is not None:
        query = query.where(SupportPlanVersion.effective_from <= where.effective_to)
    return await pages.keyset(session, query, ORDER, limit, cursor)


async def current_plan(
    session: AsyncSession, user: CurrentUser, person_id: UUID, break_glass: str | None = None
) -> SupportPlanVersion:
    await readable(session, user, person_id, "support_plan", break_glass)
    versions = await _versions(session, person_id)
    if not versions:
        raise NotFound("the person has no support plan yet")
    return versions[-1]


async def _versions(session: AsyncSession, person_id: UUID) -> Sequence[SupportPlanVersion]:
    query = select(SupportPlanVersion).where(SupportPlanVersion.person_id == person_id)
    return (await session.scalars(query.order_by(SupportPlanVersion.version))).all()
