"""A delegation's apportioned funding, for the organisations concerned only."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.models import (
    FundedDelegation,
    FundingSegment,
    Settlement,
)
from services.funding.queries.segments import segments_of, settlements_for
from shared.access import person_record
from shared.auth import CurrentUser
from shared.errors import NotFound


async def delegation_funding(
    session: AsyncSession, user: CurrentUser, delegation_id: UUID, health_commissioner: str
) -> tuple[FundedDelegation, Sequence[FundingSegment], Sequence[Settlement]]:
    """A delegation's funding, for the organisations concerned with a relationship with its
    person only (others get 404); the read is audited."""
    delegation = await session.get(FundedDelegation, delegation_id)
    segments = await segments_of(session, delegation_id)
    concerned = {s.payer for s in segments}
    if any(s.without_prejudice for s in segments):
        concerned.add(health_commissioner)  # Health funded it without prejudice (R20)
    if delegation is not None:
        concerned |= {delegation.accountable_organisation, delegation.local_authority}
        concerned.add(delegation.payer)
    if delegation is None or user.organisation not in concerned:
        raise NotFound(f"no funding on record for delegation {delegation_id}")
    await person_record(session, user, delegation.person_id, "delegation_funding")
    return delegation, segments, await settlements_for(session, delegation_id)
