"""Disputes: the CSU reads every one, a party the ones it is party to; each only of the people
the reader's organisation has a legitimate relationship with, and every read audited."""

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.funding.domain.disputes import DisputeState
from services.funding.models import Dispute
from shared import pages
from shared.access import listed, person_record, visible_people
from shared.auth import CurrentUser, Role
from shared.db import now
from shared.errors import NotFound
from shared.events.funding import DisputeSubject

RECORD = "funding_dispute"


@dataclass(frozen=True)
class DisputeFilter:
    status: DisputeState | None = None
    subject_kind: DisputeSubject | None = None
    person_id: UUID | None = None
    package_id: UUID | None = None
    raised_from: date | None = None
    raised_to: date | None = None


ORDER = (pages.Key(Dispute.raised_on, date), pages.Key(Dispute.id, UUID))


async def disputes(
    session: AsyncSession, user: CurrentUser, where: DisputeFilter, limit: int, cursor: str | None
) -> tuple[list[Dispute], str | None]:
    """CSU officers read every dispute; a party's officers read the ones it is party to; of the
    people their organisation has a relationship with, oldest raised first (each read audited)."""
    query = select(Dispute)
    people = visible_people(user, now(session))
    if people is not None:
        query = query.where(Dispute.person_id.in_(people))
    for column, value in (
        (Dispute.status, where.status),
        (Dispute.subject_kind, where.subject_kind),
        (Dispute.person_id, where.person_id),
        (Dispute.package_id, where.package_id),
    ):
        if value is not None:
            query = query.where(column == value)
    if where.raised_from is not None:
        query = query.where(Dispute.raised_on >= where.raised_from)
    if where.raised_to is not None:
        query = query.where(Dispute.raised_on <= where.raised_to)

    async def readable(dispute: Dispute) -> bool:
        return _may_read(user, dispute)

    rows, next_cursor = await pages.keyset_kept(session, query, ORDER, limit, cursor, readable)
    await listed(session, user, RECORD, [d.person_id for d in rows])
    return rows, next_cursor


async def dispute(session: AsyncSession, user: CurrentUser, dispute_id: UUID) -> Dispute:
    found = await session.get(Dispute, dispute_id)
    if found is None or not _may_read(user, found):
        raise NotFound(f"no dispute {dispute_id}")
    await person_record(session, user, found.person_id, RECORD)
    return found


def _may_read(user: CurrentUser, dispute: Dispute) -> bool:
    parties = dispute.parties.get("organisations", [])
    return user.role is Role.CSU_OFFICER or user.organisation in parties
