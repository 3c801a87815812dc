"""Oversight visits and those due (R17, A 5.12), to those who may see the person's records."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import oversight_visits as rules
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


def due_query(
    session: AsyncSession, owner: str | None = None, user: CurrentUser | None = None
) -> Select[Delegation]:
    """The running tasks whose decision set a visiting interval, by the next visit's due day
    as stored (`Delegation.next_visit_due`, on an index): an owner's only when `owner` is given;
    those `user` may see when given."""
    query = select(Delegation).where(Delegation.next_visit_due.is_not(None))
    if owner is not None:
        query = query.where(Delegation.oversight_owner == owner)
    if user is not None and (people := people_filter(session, user)) is not None:
        query = query.where(Delegation.person_id.in_(people))
    if user is not None and user.role in delegation_queries.PROVIDER_ROLES:
        query = concerning(query, user.organisation)
    return query.order_by(Delegation.next_visit_due, Delegation.id)


def _due(delegation: Delegation, on: date) -> VisitDue:
    interval, next_due = delegation.oversight_interval_days, delegation.next_visit_due
    assert interval is not None  # a due day is stored only with an interval and an owner
    assert next_due is not None
    assert delegation.oversight_owner is not None
    return VisitDue(
        delegation.id,
        delegation.person_id,
        delegation.task_code,
        delegation.oversight_owner,
        interval,
        delegation.last_visited_on,
        next_due,
        rules.is_overdue(next_due, on),
        max((on - next_due).days, 0),
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
    query = due_query(session, owner, user).limit(limit + 1)
    if where.overdue is True:
        query = query.where(Delegation.next_visit_due < on)
    elif where.overdue is False:
        query = query.where(Delegation.next_visit_due >= on)
    if where.within_days is not None:
        query = query.where(Delegation.next_visit_due <= on + timedelta(days=where.within_days))
    if cursor is not None:
        due_on, after = pages.decode(cursor, pages.day, UUID)
        query = query.where(
            or_(
                Delegation.next_visit_due > due_on,
                and_(Delegation.next_visit_due == due_on, Delegation.id > after),
            )
        )
    rows = (await session.scalars(query)).all()
    page = [_due(d, on) for d in rows[:limit]]
    await listed(session, user, "oversight_visits_due", sorted({v.person_id for v in page}))
    if len(rows) <= limit:
        return page, None
    return page, pages.encode(page[-1].next_due.isoformat(), page[-1].delegation_id)


async def overdue_count(session: AsyncSession, on: date) -> int:
    found: int = (
        await session.scalar(
            select(func.count()).where(
                Delegation.next_visit_due.is_not(None), Delegation.next_visit_due < on
            )
        )
        or 0
    )
    return found
