"""Proposals and where they stand, to those who may see the person's records."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.models import Delegation, Proposal
from services.delegation.queries.delegations import readable
from shared.auth import CurrentUser
from shared.errors import NotFound


async def proposal(
    session: AsyncSession, user: CurrentUser, proposal_id: UUID, break_glass: str | None = None
) -> tuple[Proposal, UUID | None]:
    found = await session.get(Proposal, proposal_id)
    if found is None:
        raise NotFound(f"no proposal {proposal_id}")
    await readable(
        session, user, found.person_id, "proposal", f"proposal {proposal_id}", break_glass
    )
    delegation_id = await session.scalar(
        select(Delegation.id).where(Delegation.proposal_id == proposal_id)
    )
    return found, delegation_id
