"""Oversight visits and those due (R17, A 5.12), to those who may see the person's records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import oversight_visits as rules
from services.delegation.domain.delegations import RUNNING
from services.delegation.models import Delegation, OversightVisit
from services.delegation.queries import delegations as delegation_queries
from services.delegation.queries.delegations import concerning, people_filter
from shared import organisations, pages
from shared.access import listed
from shared.auth import CurrentUser, Role


async def by_key(session: AsyncSession, idempotency_key: str) -> OversightVisit | None:
    return await session.scalar(
        select(OversightVisit).where(OversightVisit.idempotency_key == idempotency_key)
    )


async def last_visit(session: AsyncSession, delegation_id: UUID) -> date | None:
    found: date | None = await session.scalar(
        select(func.max(OversightVisit.visited_on)).where(
            OversightVisit.delegation_id == delegation_id
        )
    )
    return found


async def visits(
    session: AsyncSession, user: CurrentUser, delegation_id: UUID, limit: int, cursor: str | None
) -> tuple[Sequence[OversightVisit], str | None]:
    """A delegation's visits, newest first, a page at a time; the read audited."""
    await delegation_queries.delegation(session, user, delegation_id, record="oversight_visits")
    query = (
        select(OversightVisit)
        .where(OversightVisit.delegation_id == delegation_id)
        .order_by(OversightVisit.visited_on.desc(), OversightVisit.id.desc())
        .limit(limit + 1)
    )
    if cursor is not None:
        on, last = pages.decode(cursor, pages.day, UUID)
        query = query.where(
            or_(
                OversightVisit.visited_on < on,
                and_(OversightVisit.visited_on == on, OversightVisit.id < last),
            )
        )
    rows = (await session.scalars(query)).all()
    page = rows[:limit]
    more = len(rows) > limit
    return page, pages.encode(page[-1].visited_on.isoformat(), page[-1].id) if more else None


@dataclass(frozen=True)
class VisitDue:
    delegation_id: UUID
    person_id: UUID
    task_code: str
    oversight_owner: str
    interval_days: int
    last_visited_on: date | None
    next_due: date
    overdue: bool
    days_overdue: int


async def due(
    session: AsyncSession, on: date, owner: str | None = None, user: CurrentUser | None = None
) -> list[VisitDue]:
    """Every running task whose decision set a visiting interval, with its next visit, by due
    day (an owner's only when `owner` is given; those `user` may see when given)."""
    last = (
        select(
            OversightVisit.delegation_id.label("delegation_id"),
            func.max(OversightVisit.visited_on).label("last_visited_on"),
        )
        .group_by(OversightVisit.delegation_id)
        .subquery()
    )
    query = (
        select(Delegation, last.c.last_visited_on)
        .outerjoin(last, last.c.delegation_id == Delegation.id)
        .where(
            Delegation.status.in_(RUNNING),
            Delegation.oversight_interval_days.is_not(None),
            Delegation.oversight_owner.is_not(None),
        )
    )
    if owner is not None:
        query = query.where(Delegation.oversight_owner == owner)
    if user is not None and (people := people_filter(session, user)) is not None:
        query = query.where(Delegation.person_id.in_(people))
    if user is not None and user.role in delegation_queries.PROVIDER_ROLES:
        query = concerning(query, user.organisation)
    found = [_due(d, visited, on) for d, visited in (await session.execute(query)).all()]
    return sorted(
        (v for v in found if v is not None), key=lambda v: (v.next_due, str(v.delegation_id))
    )


def _due(delegation: Delegation, visited: date | None, on: date) -> VisitDue | None:
    interval = delegation.oversight_interval_days
    next_due = rules.next_due(interval, delegation.start_date, visited)
    if next_due is None or interval is None or delegation.oversight_owner is None:
        return None
    late = max((on - next_due).days, 0)
    return VisitDue(
        delegation.id,
        delegation.person_id,
        delegation.task_code,
        delegation.oversight_owner,
        interval,
        visited,
        next_due,
        rules.is_overdue(next_due, on),
        late,
    )


@dataclass(frozen=True)
class DueFilter:
    oversight_owner: str | None = None
    overdue: bool | None = None
    within_days: int | None = None


async def visits_due(
    session: AsyncSession,
    user: CurrentUser,
    where: DueFilter,
    on: date,
    limit: int,
    cursor: str | None,
) -> tuple[list[VisitDue], str | None]:
    """The visits due, by due day, of the tasks the caller may see: a practitioner's own
    organisation's unless another owner is asked for; provider staff those of their tasks."""
    owner = where.oversight_owner
    if owner is not None:
        await organisations.named(session, owner, "oversight_owner")  # R2
    elif user.role is Role.REGISTERED_PRACTITIONER:
        owner = user.organisation
    found = await due(session, on, owner, user)
    if where.overdue is not None:
        found = [v for v in found if v.overdue == where.overdue]
    if where.within_days is not None:
        found = [v for v in found if (v.next_due - on).days <= where.within_days]
    if cursor is not None:
        due_on, after = pages.decode(cursor, pages.day, UUID)
        mark = (due_on.isoformat(), str(after))
        found = [v for v in found if (v.next_due.isoformat(), str(v.delegation_id)) > mark]
    page = found[:limit]
    await listed(session, user, "oversight_visits_due", sorted({v.person_id for v in page}))
    if len(found) <= limit:
        return page, None
    return page, pages.encode(page[-1].next_due.isoformat(), page[-1].delegation_id)


async def overdue_count(session: AsyncSession, on: date) -> int:
    return sum(1 for v in await due(session, on) if v.overdue)
