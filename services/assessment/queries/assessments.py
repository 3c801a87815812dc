"""Needs assessments (R4, R5, R6) and changes in need (R8), as the caller may see them."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.assessment.domain.assessments import AssessmentKind
from services.assessment.models import Assessment, NeedChange
from services.assessment.queries.people import readable
from shared import pages
from shared.auth import CurrentUser
from shared.errors import NotFound


@dataclass(frozen=True)
class AssessmentFilter:
    current_only: bool = False
    kind: AssessmentKind | None = None
    partner_organisation: str | None = None
    assessed_from: date | None = None
    assessed_to: date | None = None


ASSESSMENTS = (pages.Key(Assessment.recorded_at, datetime), pages.Key(Assessment.id, UUID))
NEED_CHANGES = (pages.Key(NeedChange.recorded_at, datetime), pages.Key(NeedChange.id, UUID))


async def assessments(
    session: AsyncSession,
    user: CurrentUser,
    person_id: UUID,
    where: AssessmentFilter,
    limit: int,
    cursor: str | None,
    break_glass: str | None = None,
) -> tuple[Sequence[Assessment], str | None]:
    """The person's assessments, oldest recorded first, a page at a time."""
    await readable(session, user, person_id, "assessments", break_glass)
    query = select(Assessment).where(Assessment.person_id == person_id)
    if where.current_only:
        query = query.where(Assessment.superseded_by.is_(None))
    if where.kind is not None:
        query = query.where(Assessment.kind == where.kind)
    if where.partner_organisation is not None:
        query = query.where(Assessment.partner_organisation == where.partner_organisation)
    if where.assessed_from is not None:
        query = query.where(Assessment.assessed_on >= where.assessed_from)
    if where.assessed_to is not None:
        query = query.where(Assessment.assessed_on <= where.assessed_to)
    return await pages.keyset(session, query, ASSESSMENTS, limit, cursor)


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


@dataclass(frozen=True)
class NeedChangeFilter:
    significant: bool | None = None
    recorded_from: date | None = None
    recorded_to: date | None = None


async def need_changes(
    session: AsyncSession,
    user: CurrentUser,
    person_id: UUID,
    where: NeedChangeFilter,
    limit: int,
    cursor: str | None,
    break_glass: str | None = None,
) -> tuple[Sequence[NeedChange], str | None]:
    """The person's changes in need (R8), oldest first, a page at a time."""
    await readable(session, user, person_id, "need_changes", break_glass)
    query = select(NeedChange).where(NeedChange.person_id == person_id)
    if where.significant is not None:
        query = query.where(NeedChange.significant == where.significant)
    if where.recorded_from is not None:
        query = query.where(NeedChange.recorded_on >= where.recorded_from)
    if where.recorded_to is not None:
        query = query.where(NeedChange.recorded_on <= where.recorded_to)
    return await pages.keyset(session, query, NEED_CHANGES, limit, cursor)
