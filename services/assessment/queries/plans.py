"""Support plan versions, oldest first."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.models import SupportPlanVersion
from services.assessment.queries.people import person
from shared.auth import CurrentUser
from shared.errors import NotFound


async def plan_versions(
    session: AsyncSession, user: CurrentUser, person_id: UUID
) -> Sequence[SupportPlanVersion]:
    await person(session, user, person_id)
    query = select(SupportPlanVersion).where(SupportPlanVersion.person_id == person_id)
    return (await session.scalars(query.order_by(SupportPlanVersion.version))).all()


async def current_plan(
    session: AsyncSession, user: CurrentUser, person_id: UUID
) -> SupportPlanVersion:
    versions = await plan_versions(session, user, person_id)
    if not versions:
        raise NotFound("the person has no support plan yet")
    return versions[-1]
