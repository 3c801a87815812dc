"""Health covers of a delegation (R18, R20)."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain.covers import CoverState
from services.funding.domain.segments import FundingState
from services.funding.models import HealthCover


async def covers_of(session: AsyncSession, delegation_id: UUID) -> Sequence[HealthCover]:
    query = (
        select(HealthCover)
        .where(HealthCover.delegation_id == delegation_id)
        .order_by(HealthCover.stopped_on, HealthCover.opened_at)
    )
    return (await session.scalars(query)).all()


async def covers_pending(session: AsyncSession, delegation_id: UUID) -> Sequence[HealthCover]:
    """The covers Health still funds without prejudice: a funding decision settles them."""
    rows = await covers_of(session, delegation_id)
    return [c for c in rows if c.funding == FundingState.WITHOUT_PREJUDICE]


async def open_covers(session: AsyncSession, delegation_id: UUID) -> Sequence[HealthCover]:
    """The covers still running: a resumption closes them."""
    rows = await covers_of(session, delegation_id)
    return [c for c in rows if c.state == CoverState.COVERING]
