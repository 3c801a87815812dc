"""The delivery side of a live task: the tasks a care worker is named on, each application
recorded, and the applications missed (R16); every read of a person's record audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from sqlalchemy import ColumnElement, Select, String, and_, cast, exists, or_, select
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
        .where(
            Delegation.provider_organisation == user.organisation,
            Delegation.status.in_(ACTIVE),
            cast(Delegation.worker_ids, String).contains(str(worker)),
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
    rows = [d for d in (await session.scalars(query)).all() if names(d, worker)]
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
    (provider staff: their organisation's); each person shown audited."""
    found = await missed(session, user, where)
    if cursor is not None:
        on, after, slot = pages.decode(cursor, pages.day, UUID, int)
        mark = (on.isoformat(), str(after), slot)
        found = [m for m in found if (m.due_on.isoformat(), str(m.delegation_id), m.slot) > mark]
    page = found[:limit]
    await listed(session, user, "missed_applications", sorted({m.person_id for m in page}))
    if len(found) <= limit:
        return page, None
    last = page[-1]
    return page, pages.encode(last.due_on.isoformat(), last.delegation_id, last.slot)


async def missed(session: AsyncSession, user: CurrentUser, where: MissedFilter) -> list[Missed]:
    """Every scheduled application with no entry in the window, by day, of the delegations the
    caller may see (not audited: the caller shows them)."""
    delivered = await _delivered(session, user, where)
    facts = await _delivery_facts(session, delivered, where)
    found = [m for d in (await session.scalars(delivered)).all() for m in facts.missed(d, where)]
    found.sort(key=lambda m: (m.due_on, str(m.delegation_id), m.slot))
    return found


async def _delivered(
    session: AsyncSession, user: CurrentUser, where: MissedFilter
) -> Select[Delegation]:
    """Delegations that were live in the window: started, and not ended before it."""
    query = select(Delegation).where(
        Delegation.start_date.is_not(None),
        Delegation.start_date <= where.last,
        or_(Delegation.ended_on.is_(None), Delegation.ended_on > where.first),
        Delegation.status.in_((*RUNNING, *FINISHED)),
    )
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
    return query.order_by(Delegation.id)


@dataclass
class DeliveryFacts:
    """What missed applications are computed from, for every delegation of a list at once."""

    schedules: dict[UUID, rules.Schedule]
    recorded: dict[UUID, dict[date, set[int]]]
    covered: dict[UUID, list[tuple[date, date | None]]]

    def missed(self, delegation: Delegation, where: MissedFilter) -> list[Missed]:
        found = self.schedules.get(delegation.id) or rules.schedule_from_frequency(
            delegation.frequency
        )
        assert delegation.start_date is not None  # only started delegations are delivered
        first, last = max(where.first, delegation.start_date), where.last
        if delegation.ended_on is not None:
            last = min(last, delegation.ended_on - timedelta(days=1))
        if found is None or first > last:
            return []
        spans = [(a, b or last + timedelta(days=1)) for a, b in self.covered.get(delegation.id, [])]
        recorded = self.recorded.get(delegation.id, {})
        return [
            Missed(delegation.id, delegation.person_id, delegation.task_code, day, slot)
            for day, slot in rules.missed(
                found, first, last, recorded, lambda d: any(a <= d < b for a, b in spans)
            )
        ]


async def _delivery_facts(
    session: AsyncSession, delivered: Select[Delegation], where: MissedFilter
) -> DeliveryFacts:
    """Schedules, current entries in the window and handbacks (R18), in three queries."""
    ids = delivered.with_only_columns(Delegation.id).order_by(None).scalar_subquery()
    facts = DeliveryFacts({}, {}, {})
    for row in await session.scalars(
        select(DeliverySchedule).where(DeliverySchedule.delegation_id.in_(ids))
    ):
        facts.schedules[row.delegation_id] = rules.Schedule(
            row.times_per_day, frozenset(row.weekdays)
        )
    entries = await session.execute(
        select(DeliveryRecord.delegation_id, DeliveryRecord.due_on, DeliveryRecord.slot).where(
            DeliveryRecord.delegation_id.in_(ids),
            DeliveryRecord.due_on.between(where.first, where.last),
            DeliveryRecord.slot.is_not(None),
            current(),
        )
    )
    for delegation_id, day, slot in entries:
        if slot is not None:
            facts.recorded.setdefault(delegation_id, {}).setdefault(day, set()).add(slot)
    handbacks = await session.execute(
        select(Handback.delegation_id, Handback.stopped_on, Handback.closed_on).where(
            Handback.delegation_id.in_(ids)
        )
    )
    for delegation_id, stopped_on, closed_on in handbacks:
        facts.covered.setdefault(delegation_id, []).append((stopped_on, closed_on))
    return facts


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
