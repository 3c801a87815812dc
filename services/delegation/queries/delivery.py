"""The delivery side of a live task: the tasks a care worker is named on, each application
recorded, and the applications missed (R16); every read of a person's record audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
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

MISSED_CHUNK = 200  # delegations read at once for one day's missed applications
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
    cursor's, each day one statement on the indexes, until the page is full."""
    after: tuple[date, UUID, int] | None = None
    if cursor is not None:
        after = pages.decode(cursor, pages.day, UUID, int)
    base = await _delivered(session, user, where)
    found: list[Missed] = []
    day = where.first if after is None else max(where.first, after[0])
    while day <= where.last and len(found) <= limit:
        mark = (after[1], after[2]) if after is not None and after[0] == day else None
        found += await _missed_on(session, base, day, mark, limit + 1 - len(found))
        day += timedelta(days=1)
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
    found: list[Missed] = []
    for day in rules.days_between(where.first, where.last):
        found += await _missed_on(session, base, day, None, None)
    return found


async def _delivered(
    session: AsyncSession, user: CurrentUser, where: MissedFilter
) -> Select[tuple[Delegation]]:
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


async def _missed_on(
    session: AsyncSession,
    base: Select[tuple[Delegation]],
    day: date,
    after: tuple[UUID, int] | None,
    limit: int | None,
) -> list[Missed]:
    """The day's scheduled applications with no entry, by delegation and slot (after `after`):
    of the delegations live that day (started, not ended; not covered by Health after a
    handback, R18) with fewer of the day's applications recorded than scheduled; found in SQL,
    a chunk of delegations at a time, their slots and weekdays then checked here."""
    times = func.coalesce(DeliverySchedule.times_per_day, Delegation.frequency_times)
    recorded = (
        select(func.count(DeliveryRecord.slot.distinct()))
        .where(
            DeliveryRecord.delegation_id == Delegation.id,
            DeliveryRecord.due_on == day,
            DeliveryRecord.slot.between(1, times),
            current(),
        )
        .scalar_subquery()
    )
    covered = exists().where(
        Handback.delegation_id == Delegation.id,
        Handback.stopped_on <= day,
        or_(Handback.closed_on.is_(None), Handback.closed_on > day),
    )
    query = (
        base.outerjoin(DeliverySchedule, DeliverySchedule.delegation_id == Delegation.id)
        .with_only_columns(
            Delegation.id,
            Delegation.person_id,
            Delegation.task_code,
            times.label("times"),
            DeliverySchedule.weekdays,
        )
        .where(
            Delegation.start_date <= day,
            or_(Delegation.ended_on.is_(None), Delegation.ended_on > day),
            Delegation.status.in_((*RUNNING, *FINISHED)),
            times.is_not(None),
            ~covered,
            recorded < times,
        )
        .order_by(Delegation.id)
    )
    chunk = max(limit or 0, MISSED_CHUNK)
    found: list[Missed] = []
    while True:
        paged = query if after is None else query.where(Delegation.id >= after[0])
        rows = (await session.execute(paged.limit(chunk) if limit else paged)).all()
        slots = await _recorded_slots(session, [r.id for r in rows], day)
        for row in rows:
            if row.weekdays is not None and day.isoweekday() not in row.weekdays:
                continue
            for slot in range(1, row.times + 1):
                if after is not None and (row.id, slot) <= after:
                    continue
                if slot not in slots.get(row.id, set()):
                    found.append(Missed(row.id, row.person_id, row.task_code, day, slot))
        if limit is None or len(rows) < chunk or len(found) >= limit:
            return found
        after = (rows[-1].id, MAX_TIMES_PER_DAY)


async def _recorded_slots(
    session: AsyncSession, ids: Sequence[UUID], day: date
) -> dict[UUID, set[int]]:
    """The slots of `day` with a current entry, of the delegations `ids`."""
    found: dict[UUID, set[int]] = {}
    if not ids:
        return found
    entries = await session.execute(
        select(DeliveryRecord.delegation_id, DeliveryRecord.slot).where(
            DeliveryRecord.delegation_id.in_(ids),
            DeliveryRecord.due_on == day,
            DeliveryRecord.slot.is_not(None),
            current(),
        )
    )
    for delegation_id, slot in entries:
        found.setdefault(delegation_id, set()).add(slot)
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
