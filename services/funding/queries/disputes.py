"""Disputes: the CSU reads every one, a party the ones it is party to; each only of the people
the reader's organisation has a legitimate relationship with, and every read audited."""

from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.models import (
    Dispute,
)
from shared.access import listed, person_record, visible_people
from shared.auth import CurrentUser, Role
from shared.db import now
from shared.errors import NotFound

RECORD = "funding_dispute"


async def disputes(session: AsyncSession, user: CurrentUser) -> list[Dispute]:
    """CSU officers read every dispute; a party's officers read the ones it is party to; of the
    people their organisation has a relationship with."""
    query = select(Dispute).order_by(Dispute.raised_on)
    people = visible_people(user, now(session))
    if people is not None:
        query = query.where(Dispute.person_id.in_(people))
    rows = [d for d in (await session.scalars(query)).all() if _may_read(user, d)]
    await listed(session, user, RECORD, [d.person_id for d in rows])
    return rows


async def dispute(session: AsyncSession, user: CurrentUser, dispute_id: UUID) -> Dispute:
    found = await session.get(Dispute, dispute_id)
    if found is None or not _may_read(user, found):
        raise NotFound(f"no dispute {dispute_id}")
    await person_record(session, user, found.person_id, RECORD)
    return found


def _may_read(user: CurrentUser, dispute: Dispute) -> bool:
    parties = dispute.parties.get("organisations", [])
    return user.role is Role.CSU_OFFICER or user.organisation in parties
