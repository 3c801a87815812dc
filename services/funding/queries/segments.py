"""Runs of funded minutes and the settlements made about a delegation."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain.apportionment import Funded
from services.funding.models import (
    FundingSegment,
    Settlement,
)


def as_funded(segment: FundingSegment) -> Funded:
    return Funded(
        segment_id=segment.id,
        delegation_id=segment.delegation_id,
        person_id=segment.person_id,
        payer=segment.payer,
        provider_organisation=segment.provider_organisation,
        minutes_per_week=segment.minutes_per_week,
        effective_from=segment.effective_from,
        effective_to=segment.effective_to,
        without_prejudice=segment.without_prejudice,
        accrues_from=segment.accrues_from,
    )


async def segments_of(session: AsyncSession, delegation_id: UUID) -> Sequence[FundingSegment]:
    query = (
        select(FundingSegment)
        .where(FundingSegment.delegation_id == delegation_id)
        .order_by(FundingSegment.effective_from, FundingSegment.recorded_at)
    )
    return (await session.scalars(query)).all()


async def settlements_for(session: AsyncSession, source_id: UUID) -> Sequence[Settlement]:
    query = select(Settlement).where(Settlement.source_id == source_id)
    return (await session.scalars(query)).all()
