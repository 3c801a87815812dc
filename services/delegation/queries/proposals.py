"""Proposals and where they stand."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.models import Delegation, Proposal
from shared.errors import NotFound


async def proposal(session: AsyncSession, proposal_id: UUID) -> tuple[Proposal, UUID | None]:
    found = await session.get(Proposal, proposal_id)
    if found is None:
        raise NotFound(f"no proposal {proposal_id}")
    delegation_id = await session.scalar(
        select(Delegation.id).where(Delegation.proposal_id == proposal_id)
    )
    return found, delegation_id
