"""The delivery side of a live task: the tasks a care worker is named on, each application
recorded, and the applications missed (R16); every read of a person's record audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy import (
    CTE,
    ColumnElement,
    Date,
    Select,
    and_,
    exists,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from services.delegation.domain import delivery as rules
from services.delegation.domain.delegations import ACTIVE, FINISHED, RUNNING
from services.delegation.models import (
    Delegation,
    DeliveryRecord,
    DeliverySchedule,
    DeliveryVisit,
    Handback,
    NamedWorker,
    Proposal,
    Task,
)
from services.delegation.queries import delegations as delegation_queries
from services.delegation.queries.delegations import (
    PROVIDER_ROLES,
    concerning,
    organisation_of,
    people_filter,
    readable,
)
from shared import organisations, pages
from shared.access import listed
from shared.auth import CurrentUser, Role
from shared.errors import NotFound


def worker_of(user: CurrentUser) -> UUID | None:
    """A care worker signs in as the pseudonymous worker id training registered them under."""
    if user.role is not Role.CARE_WORKER:
        return None
    try:
        return UUID(user.user_id)
    except ValueError:
        return None


def names(delegation: Delegation, worker_id: UUID) -> bool:
    return str(worker_id) in delegation.worker_ids


async def named_tasks(
    session: AsyncSession, user: CurrentUser, limit: int, cursor: str | None
) -> tuple[Sequence[Delegation], str | None]:
    """The delegations of the caller's organisation that name the calling care worker, oldest
    first, a page at a time; each read audited."""
    worker = worker_of(user)
    if worker is None:
        return [], None
    query = (
        select(Delegation)
        .join(NamedWorker, NamedWorker.delegation_id == Delegation.id)
        .where(
            NamedWorker.worker_id == worker,  # on its index (0016)
            Delegation.provider_organisation == user.organisation,
            Delegation.status.in_(ACTIVE),
        )
        .order_by(Delegation.created_at, Delegation.id)
        .limit(limit + 1)
    )
    if (people := people_filter(session, user)) is not None:
        query = query.where(Delegation.person_id.in_(people))
    if cursor is not None:
        at, last = pages.decode(cursor, pages.instant, UUID)
        query = query.where(
            or_(
                Delegation.created_at > at,
                and_(Delegation.created_at == at, Delegation.id > last),
            )
        )
    rows = (await session.scalars(query)).all()
    page = rows[:limit]
    await listed(session, user, "delegated_task", [d.person_id for d in page])
    more = len(rows) > limit
    return page, pages.encode(page[-1].created_at.isoformat(), page[-1].id) if more else None


async def named_task(session: AsyncSession, user: CurrentUser, delegation_id: UUID) -> Delegation:
    """One delegated task the calling care worker is named on; else 'not found'."""
    worker = worker_of(user)
    found = await session.get(Delegation, delegation_id)
    if (
        worker is None
        or found is None
        or found.provider_organisation != user.organisation
        or not names(found, worker)
    ):
        raise NotFound(f"no delegated task {delegation_id} names you")
    await readable(session, user, found.person_id, "delegated_task", f"task {delegation_id}")
    return found


async def schedule(
    session: AsyncSession, delegation: Delegation
) -> tuple[rules.Schedule | None, str]:
    """The task's schedule, and where it comes from: the support plan's (set on the delegation)
    or the proposal's frequency in the usual words."""
    row = await session.get(DeliverySchedule, delegation.id)
    if row is not None:
        return rules.Schedule(row.times_per_day, frozenset(row.weekdays)), "support_plan"
    return rules.schedule_from_frequency(delegation.frequency), "frequency"


async def conditions(session: AsyncSession, delegation: Delegation) -> list[str]:
    """R14: the conditions a Shared Care decision set, which bind the provider."""
    proposal = await session.get(Proposal, delegation.proposal_id)
    return list(proposal.shared_care_conditions or []) if proposal is not None else []


async def task_name(session: AsyncSession, task_code: str) -> str | None:
    task = await session.get(Task, task_code)
    return task.name if task is not None else None


def current() -> ColumnElement[bool]:
    """Entries no later entry corrects: the record as it now stands."""
    later = aliased(DeliveryRecord)
    return ~exists().where(later.corrects == DeliveryRecord.id)


async def visit_by_key(
    session: AsyncSession, idempotency_key: str
) -> tuple[DeliveryVisit, list[DeliveryRecord]] | None:
    visit = await session.scalar(
        select(DeliveryVisit).where(DeliveryVisit.idempotency_key == idempotency_key)
    )
    if visit is None:
        return None
    entries = await session.scalars(
        select(DeliveryRecord)
        .where(DeliveryRecord.visit_id == visit.id)
        .order_by(DeliveryRecord.recorded_at, DeliveryRecord.id)
    )
    return visit, list(entries)


async def corrections_of(session: AsyncSession, ids: Sequence[UUID]) -> dict[UUID, UUID]:
    """For each entry of `ids` that a later one corrects, that later entry's id."""
    rows = await session.execute(
        select(DeliveryRecord.corrects, DeliveryRecord.id).where(DeliveryRecord.corrects.in_(ids))
    )
    return {corrected: by for corrected, by in rows if corrected is not None}


def visible_record(user: CurrentUser, record: DeliveryRecord) -> bool:
    return user.role not in PROVIDER_ROLES or record.provider_organisation == user.organisation


async def record(session: AsyncSession, user: CurrentUser, record_id: UUID) -> DeliveryRecord:
    found = await session.get(DeliveryRecord, record_id)
    if found is None or not visible_record(user, found):
        raise NotFound(f"no delivery record {record_id}")
    await readable(session, user, found.person_id, "delivery_record", f"record {record_id}")
    return found


async def records(
    session: AsyncSession,
    user: CurrentUser,
    delegation_id: UUID,
    days: tuple[date | None, date | None],
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[DeliveryRecord], str | None]:
    """A delegation's entries, corrections included, in the order recorded, a page at a time."""
    await delegation_queries.delegation(session, user, delegation_id, record="delivery_records")
    query = (
        select(DeliveryRecord)
        .where(DeliveryRecord.delegation_id == delegation_id)
        .order_by(DeliveryRecord.recorded_at, DeliveryRecord.id)
        .limit(limit + 1)
    )
    if days[0] is not None:
        query = query.where(DeliveryRecord.due_on >= days[0])
    if days[1] is not None:
        query = query.where(DeliveryRecord.due_on <= days[1])
    if cursor is not None:
        at, last = pages.decode(cursor, pages.instant, UUID)
        query = query.where(
            or_(
                DeliveryRecord.recorded_at > at,
                and_(DeliveryRecord.recorded_at == at, DeliveryRecord.id > last),
            )
        )
    rows = (await session.scalars(query)).all()
    page = rows[:limit]
    more = len(rows) > limit
    return page, pages.encode(page[-1].recorded_at.isoformat(), page[-1].id) if more else None


# Missed applications (R16): computed from the schedule, never stored.

MISSED_CHUNK = 200  # days of delegations read at once for missed applications
MAX_TIMES_PER_DAY = rules.MAX_TIMES_PER_DAY


@dataclass(frozen=True)
class Missed:
    delegation_id: UUID
    person_id: UUID
    task_code: str
    due_on: date
    slot: int


@dataclass(frozen=True)
class MissedFilter:
    first: date
    last: date
    delegation_id: UUID | None = None
    person_id: UUID | None = None
    organisation: str | None = None


async def missed_applications(
    session: AsyncSession, user: CurrentUser, where: MissedFilter, limit: int, cursor: str | None
) -> tuple[list[Missed], str | None]:
    """The scheduled applications with no entry, by day, of the delegations the caller may see
    (provider staff: their organisation's); each person shown audited. A day at a time from the
    cursor's, then two, four..., each span one statement on the indexes, until the page is full."""
    after: tuple[date, UUID, int] | None = None
    if cursor is not None:
        on, last_id, slot = pages.decode(cursor, pages.day, UUID, int)
        after = (on, last_id, slot)
    base = await _delivered(session, user, where)
    found: list[Missed] = []
    day, span = (where.first if after is None else max(where.first, after[0])), 1
    while day <= where.last and len(found) <= limit:
        until = min(day + timedelta(days=span - 1), where.last)
        mark = after if after is not None and after[0] >= day else None
        found += await _missing(session, base, (day, until), mark, limit + 1 - len(found))
        day, span = until + timedelta(days=1), span * 2  # a day first, then more at once
    page = found[:limit]
    await listed(session, user, "missed_applications", sorted({m.person_id for m in page}))
    if len(found) <= limit:
        return page, None
    last = page[-1]
    return page, pages.encode(last.due_on.isoformat(), last.delegation_id, last.slot)


async def missed(session: AsyncSession, user: CurrentUser, where: MissedFilter) -> list[Missed]:
    """Every scheduled application with no entry in the window, by day, of the delegations the
    caller may see (not audited: the caller shows them)."""
    base = await _delivered(session, user, where)
    return await _missing(session, base, (where.first, where.last), None, None)


async def _delivered(
    session: AsyncSession, user: CurrentUser, where: MissedFilter
) -> Select[Delegation]:
    """The delegations the caller may see, of those asked for."""
    query = select(Delegation)
    if (people := people_filter(session, user)) is not None:
        query = query.where(Delegation.person_id.in_(people))
    if (org := await organisation_of(session, user, where.organisation)) is not None:
        query = concerning(query, org)
    for column, value in (
        (Delegation.id, where.delegation_id),
        (Delegation.person_id, where.person_id),
    ):
        if value is not None:
            query = query.where(column == value)
    return query


def _days(session: AsyncSession, first: date, last: date) -> CTE:
    """The days from `first` to `last`, one row each (`day`), in the database's own terms."""
    start = select(literal(first, Date).label("day")).cte("days", recursive=True)
    if session.get_bind().dialect.name == "sqlite":
        following: ColumnElement[Any] = func.date(start.c.day, "+1 day")
    else:
        following = start.c.day + 1
    return start.union_all(select(following).where(start.c.day < literal(last, Date)))


async def _missing(
    session: AsyncSession,
    base: Select[Delegation],
    window: tuple[date, date],
    after: tuple[date, UUID, int] | None,
    limit: int | None,
) -> list[Missed]:
    """The scheduled applications with no current entry in `window`, by day, delegation and
    slot (after `after`), of the delegations of `base` live that day (started,
    not ended; not covered by Health after a handback, R18). One statement finds the days of
    each delegation with fewer applications recorded than scheduled (probing the entries'
    index per delegation and day), a chunk at a time when limited; one more reads their slots;
    the schedule's weekdays are checked here."""
    days = _days(session, *window)
    times = func.coalesce(DeliverySchedule.times_per_day, Delegation.frequency_times)
    recorded = (
        select(func.count(DeliveryRecord.slot.distinct()))
        .where(
            DeliveryRecord.delegation_id == Delegation.id,
            DeliveryRecord.due_on == days.c.day,
            DeliveryRecord.slot.between(1, times),
            current(),
        )
        .scalar_subquery()
    )
    covered = exists().where(
        Handback.delegation_id == Delegation.id,
        Handback.stopped_on <= days.c.day,
        or_(Handback.closed_on.is_(None), Handback.closed_on > days.c.day),
    )
    query = (
        base.outerjoin(DeliverySchedule, DeliverySchedule.delegation_id == Delegation.id)
        .join(
            days,
            and_(
                Delegation.start_date <= days.c.day,
                or_(Delegation.ended_on.is_(None), Delegation.ended_on > days.c.day),
            ),
        )
        .with_only_columns(
            days.c.day,
            Delegation.id,
            Delegation.person_id,
            Delegation.task_code,
            times.label("times"),
            DeliverySchedule.weekdays,
        )
        .where(
            Delegation.status.in_((*RUNNING, *FINISHED)),
            times.is_not(None),
            ~covered,
            recorded < times,
        )
        .order_by(days.c.day, Delegation.id)
    )
    found: list[Missed] = []
    chunk = None if limit is None else max(limit, MISSED_CHUNK)
    while True:
        paged = query
        if after is not None:
            paged = query.where(
                or_(
                    days.c.day > after[0],
                    and_(days.c.day == after[0], Delegation.id >= after[1]),
                )
            )
        rows = (await session.execute(paged if chunk is None else paged.limit(chunk))).all()
        slots = await _recorded(session, {r.id for r in rows}, window)
        for row in rows:
            day = row.day if isinstance(row.day, date) else date.fromisoformat(row.day)
            if row.weekdays is not None and day.isoweekday() not in row.weekdays:
                continue
            taken = slots.get((row.id, day), set())
            found += [
                Missed(row.id, row.person_id, row.task_code, day, slot)
                for slot in range(1, row.times + 1)
                if slot not in taken and (after is None or (day, row.id, slot) > after)
            ]
        if chunk is None or len(rows) < chunk or limit is None or len(found) >= limit:
            return found
        last = rows[-1]
        after = (
            last.day if isinstance(last.day, date) else date.fromisoformat(last.day),
            last.id,
            MAX_TIMES_PER_DAY,
        )


async def _recorded(
    session: AsyncSession, ids: set[UUID], window: tuple[date, date]
) -> dict[tuple[UUID, date], set[int]]:
    """The slots with a current entry, by delegation and day, of the delegations `ids`."""
    found: dict[tuple[UUID, date], set[int]] = {}
    if not ids:
        return found
    entries = await session.execute(
        select(DeliveryRecord.delegation_id, DeliveryRecord.due_on, DeliveryRecord.slot).where(
            DeliveryRecord.delegation_id.in_(ids),
            DeliveryRecord.due_on.between(*window),
            DeliveryRecord.slot.is_not(None),
            current(),
        )
    )
    for delegation_id, day, slot in entries:
        if slot is not None:
            found.setdefault((delegation_id, day), set()).add(slot)
    return found


async def changes_noticed(
    session: AsyncSession,
    user: CurrentUser,
    oversight_owner: str | None,
    limit: int,
    cursor: str | None,
) -> tuple[Sequence[DeliveryRecord], str | None]:
    """R8: the changes care workers noticed (current entries), oldest first, of the tasks an
    owner oversees: a practitioner's own organisation's unless another is named; each person
    shown audited."""
    owner = oversight_owner
    if owner is not None:
        await organisations.named(session, owner, "oversight_owner")  # R2
    elif user.role is Role.REGISTERED_PRACTITIONER:
        owner = user.organisation
    query = (
        select(DeliveryRecord)
        .join(Delegation, Delegation.id == DeliveryRecord.delegation_id)
        .where(DeliveryRecord.change_noticed.is_(True), current())
        .order_by(DeliveryRecord.recorded_at, DeliveryRecord.id)
        .limit(limit + 1)
    )
    if owner is not None:
        query = query.where(Delegation.oversight_owner == owner)
    if (people := people_filter(session, user)) is not None:
        query = query.where(DeliveryRecord.person_id.in_(people))
    if cursor is not None:
        at, last = pages.decode(cursor, pages.instant, UUID)
        query = query.where(
            or_(
                DeliveryRecord.recorded_at > at,
                and_(DeliveryRecord.recorded_at == at, DeliveryRecord.id > last),
            )
        )
    rows = (await session.scalars(query)).all()
    page = rows[:limit]
    await listed(session, user, "changes_noticed", sorted({r.person_id for r in page}))
    more = len(rows) > limit
    return page, pages.encode(page[-1].recorded_at.isoformat(), page[-1].id) if more else None
