"""Disputes: the CSU reads every one, a party the ones it is party to."""

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.models import (
    Dispute,
)
from shared.auth import CurrentUser, Role
from shared.errors import NotFound


async def disputes(session: AsyncSession, user: CurrentUser) -> list[Dispute]:
    """CSU officers read every dispute; a party's officers read the ones it is party to."""
    rows = (await session.scalars(select(Dispute).order_by(Dispute.raised_on))).all()
    return [d for d in rows if _may_read(user, d)]


async def dispute(session: AsyncSession, user: CurrentUser, dispute_id: UUID) -> Dispute:
    found = await session.get(Dispute, dispute_id)
    if found is None or not _may_read(user, found):
        raise NotFound(f"no dispute {dispute_id}")
    return found


def _may_read(user: CurrentUser, dispute: Dispute) -> bool:
    parties = dispute.parties.get("organisations", [])
    return user.role is Role.CSU_OFFICER or user.organisation in parties
