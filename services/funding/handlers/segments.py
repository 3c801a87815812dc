"""Opening and closing runs of funded minutes, each recorded with the event that says so."""

from datetime import date
from uuid import uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding import queries
from services.funding.domain import apportionment
from services.funding.models import FundedDelegation, FundingSegment
from shared.outbox import publish, session_clock


async def open_segment(
    session: AsyncSession,
    delegation: FundedDelegation,
    on: date,
    cause: str,
    until: date | None = None,
    minutes: int | None = None,
    accrues_from: date | None = None,
) -> FundingSegment:
    """R19/R20: the payer funds the delegation's minutes from `on` at the rate then in force;
    with no rate in force yet the run waits for one and its event is published when it comes."""
    segment = FundingSegment(
        id=uuid4(),
        delegation_id=delegation.delegation_id,
        person_id=delegation.person_id,
        payer=delegation.payer,
        provider_organisation=delegation.provider_organisation,
        minutes_per_week=delegation.minutes_per_week if minutes is None else minutes,
        effective_from=on,
        effective_to=until,
        without_prejudice=delegation.funding_pending,
        accrues_from=accrues_from or on,
        awaiting_rate=False,
        cause=cause,
        recorded_at=session_clock(session).now(),
    )
    rate = apportionment.rate_in_force(
        await queries.rates_of(session, delegation.provider_organisation), on
    )
    segment.awaiting_rate = rate is None and segment.minutes_per_week > 0
    session.add(segment)
    if not segment.awaiting_rate:
        await publish(session, apportionment.apportioned(queries.as_funded(segment), rate, on))
    return segment


async def close_open_segment(
    session: AsyncSession, delegation: FundedDelegation, on: date
) -> FundingSegment | None:
    """The cost stops from `on` (never before the run began)."""
    segment = await session.scalar(
        select(FundingSegment)
        .where(
            FundingSegment.delegation_id == delegation.delegation_id,
            FundingSegment.effective_to.is_(None),
        )
        .with_for_update()
    )
    if segment is not None:
        segment.effective_to = max(on, segment.effective_from)
    return segment


async def locked_delegation(
    session: AsyncSession, delegation_id: object
) -> FundedDelegation | None:
    return await session.scalar(
        select(FundedDelegation)
        .where(FundedDelegation.delegation_id == delegation_id)
        .with_for_update()
    )
