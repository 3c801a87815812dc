"""Needs assessments (R4, R5, R6) and changes in need (R8), as the caller may see them."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.models import Assessment, NeedChange
from services.assessment.queries.people import readable
from shared.auth import CurrentUser
from shared.errors import NotFound


async def assessments(
    session: AsyncSession,
    user: CurrentUser,
    person_id: UUID,
    *,
    current_only: bool = False,
    break_glass: str | None = None,
) -> Sequence[Assessment]:
    await readable(session, user, person_id, "assessments", break_glass)
    query = select(Assessment).where(Assessment.person_id == person_id)
    if current_only:
        query = query.where(Assessment.superseded_by.is_(None))
    return (await session.scalars(query.order_by(Assessment.recorded_at, Assessment.id))).all()


async def assessment(
    session: AsyncSession,
    user: CurrentUser,
    person_id: UUID,
    assessment_id: UUID,
    break_glass: str | None = None,
) -> Assessment:
    await readable(session, user, person_id, "assessment", break_glass)
    found = await session.get(Assessment, assessment_id)
    if found is None or found.person_id != person_id:
        raise NotFound(f"no assessment {assessment_id} for this person")
    return found


async def need_changes(
    session: AsyncSession, user: CurrentUser, person_id: UUID, break_glass: str | None = None
) -> Sequence[NeedChange]:
    await readable(session, user, person_id, "need_changes", break_glass)
    query = select(NeedChange).where(NeedChange.person_id == person_id)
    return (await session.scalars(query.order_by(NeedChange.recorded_at, NeedChange.id))).all()
