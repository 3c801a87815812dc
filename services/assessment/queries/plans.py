"""Support plan versions, oldest first."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.models import SupportPlanVersion
from services.assessment.queries.people import readable
from shared.auth import CurrentUser
from shared.errors import NotFound


async def plan_versions(
    session: AsyncSession, user: CurrentUser, person_id: UUID, break_glass: str | None = None
) -> Sequence[SupportPlanVersion]:
    await readable(session, user, person_id, "support_plan_versions", break_glass)
    return await _versions(session, person_id)


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
