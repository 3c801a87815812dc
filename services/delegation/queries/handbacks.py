"""Handbacks as each organisation may see them, a page at a time (R18, R20)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain.handbacks import UNCLOSED, HandbackState
from services.delegation.models import Handback, HandbackPolicy
from services.delegation.queries.delegations import (
    PROVIDER_ROLES,
    people_filter,
    readable,
)
from shared import organisations, pages
from shared.access import listed
from shared.auth import CurrentUser
from shared.errors import NotFound


@dataclass(frozen=True)
class HandbackFilter:
    oversight_owner: str | None = None
    delegation_id: UUID | None = None
    person_id: UUID | None = None
    state: HandbackState | None = None
    overdue: bool | None = None


def visible_to(user: CurrentUser, handback: Handback) -> bool:
    """Provider staff see only the handbacks of tasks their organisation carried."""
    if user.role in PROVIDER_ROLES:
        return handback.provider_organisation == user.organisation
    return True


async def handback(
    session: AsyncSession, user: CurrentUser, handback_id: UUID, break_glass: str | None = None
) -> Handback:
    found = await session.get(Handback, handback_id)
    if found is None or not visible_to(user, found):
        raise NotFound(f"no handback {handback_id}")
    await readable(
        session, user, found.person_id, "handback", f"handback {handback_id}", break_glass
    )
    return found


ORDER = (pages.Key(Handback.created_at, datetime), pages.Key(Handback.id, UUID))


async def handbacks(
    session: AsyncSession,
    user: CurrentUser,
    where: HandbackFilter,
    on: date,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[Handback], str | None]:
    """Oldest first, of the people the caller may see (each read audited); the next page's
    cursor, or None on the last page."""
    query = select(Handback)
    if user.role in PROVIDER_ROLES:
        query = query.where(Handback.provider_organisation == user.organisation)
    if (people := people_filter(session, user)) is not None:
        query = query.where(Handback.person_id.in_(people))
    if where.oversight_owner is not None:
        await organisations.named(session, where.oversight_owner, "oversight_owner")  # R2
    for column, value in (
        (Handback.oversight_owner, where.oversight_owner),
        (Handback.delegation_id, where.delegation_id),
        (Handback.person_id, where.person_id),
        (Handback.status, where.state),
    ):
        if value is not None:
            query = query.where(column == value)
    if where.overdue is not None:
        overdue = and_(Handback.status == HandbackState.OPEN, Handback.acknowledge_by < on)
        query = query.where(overdue if where.overdue else ~overdue)
    page, next_cursor = await pages.keyset(session, query, ORDER, limit, cursor)
    await listed(session, user, "handback", [h.person_id for h in page])
    return page, next_cursor


async def unclosed_for(session: AsyncSession, delegation_id: UUID) -> Handback | None:
    """The delegation's handback not yet closed, locked where the database can (at most one)."""
    return await session.scalar(
        select(Handback)
        .where(Handback.delegation_id == delegation_id, Handback.status.in_(UNCLOSED))
        .with_for_update()
    )


async def overdue_count(session: AsyncSession, on: date) -> int:
    found = await session.scalar(
        select(func.count())
        .select_from(Handback)
        .where(Handback.status == HandbackState.OPEN, Handback.acknowledge_by < on)
    )
    return int(found or 0)


async def handback_policy(session: AsyncSession) -> HandbackPolicy:
    """R18: how many days the owner has to acknowledge a handback (one row)."""
    return await session.get_one(HandbackPolicy, 1)
