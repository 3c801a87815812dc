"""Delivering a live task: the schedule set, each application recorded by a competent named
worker on the day (R16), a visit's entries all or none, corrections as new entries, and a
change noticed raised to the oversight owner (R8, R26)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import delivery as rules
from services.delegation.domain import reviews as review_rules
from services.delegation.domain.delegations import RUNNING, DelegationState
from services.delegation.domain.parties import check_decider
from services.delegation.domain.reviews import ReviewState
from services.delegation.handlers import gates
from services.delegation.handlers.delegations import delegation_for_update, facts_of
from services.delegation.handlers.reviews import raise_review
from services.delegation.models import (
    Delegation,
    DeliveryRecord,
    DeliverySchedule,
    DeliveryVisit,
    Review,
)
from services.delegation.queries import delivery as queries
from services.delegation.schemas.delivery import Entry, Happened, ScheduleUpdate
from shared.audit import audit
from shared.auth import CurrentUser, Role
from shared.db import now, today
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.events.delegation import NoticedChange, ReviewReason
from shared.outbox import publish


async def set_schedule(
    session: AsyncSession, actor: CurrentUser, delegation_id: uuid.UUID, body: ScheduleUpdate
) -> Delegation:
    """The support plan's schedule for the task, by the MDT's organisations or the oversight
    owner; missed applications are counted against it."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    owner = delegation.oversight_owner
    check_decider(actor.organisation, delegation.mdt_organisations, owner, "set the schedule")
    if len(set(body.weekdays)) != len(body.weekdays) or not set(body.weekdays) <= rules.EVERY_DAY:
        raise InvalidInput("weekdays", "each ISO weekday (1-7) once")
    await session.merge(
        DeliverySchedule(
            delegation_id=delegation.id,
            times_per_day=body.times_per_day,
            weekdays=sorted(body.weekdays),
            set_by=actor.user_id,
            set_at=now(session),
        )
    )
    summary = f"{body.times_per_day} a day on {sorted(body.weekdays)}"
    await audit(session, actor, "delivery.schedule_set", delegation.id, summary)
    return delegation


@dataclass(frozen=True)
class Recorded:
    visit: DeliveryVisit
    entries: list[DeliveryRecord]
    created: bool


async def record_visit(
    session: AsyncSession, actor: CurrentUser, entries: list[Entry], idempotency_key: str | None
) -> Recorded:
    """A visit's applications, one or more tasks, all recorded or none (R16 for each)."""
    repeated = await _repeated(session, idempotency_key)
    if repeated is not None:
        return repeated
    visit = await _new_visit(session, actor, idempotency_key)
    delegations = await _locked(session, actor, sorted({e.delegation_id for e in entries}))
    recorded = []
    for index, entry in enumerate(entries):
        delegation, field = delegations[entry.delegation_id], f"entries[{index}]"
        state = DelegationState(delegation.status)
        rules.check_live(state, delegation.suspension_reason, f"{field}.delegation_id")
        day = entry.due_on or entry.administered_at.date()
        slot_field = f"{field}.slot"
        taken = await queries.slots_taken(session, delegation.id, day)
        schedule, _source = await queries.schedule(session, delegation)
        slot = rules.slot_for(schedule, entry.slot, taken, slot_field)
        recorded.append(
            await _entry(session, actor, delegation, visit, entry, (day, slot, None), field)
        )
    return Recorded(visit, recorded, True)


async def correct(
    session: AsyncSession,
    actor: CurrentUser,
    record_id: uuid.UUID,
    body: Happened,
    idempotency_key: str | None,
) -> Recorded:
    """A correction: a new entry for the same application that names the one it corrects;
    the corrected entry stays as it was."""
    repeated = await _repeated(session, idempotency_key)
    if repeated is not None:
        return repeated
    original = await session.get(DeliveryRecord, record_id)
    if original is None or not queries.visible_record(actor, original):
        raise NotFound(f"no delivery record {record_id}")
    delegation = await delegation_for_update(session, original.delegation_id, actor)
    if actor.role is Role.CARE_WORKER and original.recorded_by != actor.user_id:
        raise Forbidden("a care worker corrects only the entries they recorded")
    by = await queries.corrections_of(session, [original.id])
    if original.id in by:
        raise Conflict(
            f"delivery record {original.id} is already corrected by {by[original.id]}: "
            "correct that one",
            existing=f"/delivery-records/{by[original.id]}",
        )
    visit = await _new_visit(session, actor, idempotency_key)
    where = (original.due_on, original.slot, original.id)
    entry = await _entry(session, actor, delegation, visit, body, where, "body")
    return Recorded(visit, [entry], True)


async def _repeated(session: AsyncSession, idempotency_key: str | None) -> Recorded | None:
    if idempotency_key is None:
        return None
    # The key is already the caller organisation's own (shared.web scopes it): no other
    # organisation's visit can be found by it.
    found = await queries.visit_by_key(session, idempotency_key)
    if found is None:
        return None
    visit, entries = found
    return Recorded(visit, entries, False)


async def _new_visit(
    session: AsyncSession, actor: CurrentUser, idempotency_key: str | None
) -> DeliveryVisit:
    visit = DeliveryVisit(
        id=uuid.uuid4(),
        idempotency_key=idempotency_key,
        organisation=actor.organisation,
        recorded_by=actor.user_id,
        recorded_at=now(session),
    )
    session.add(visit)
    await session.flush()
    return visit


async def _locked(
    session: AsyncSession, actor: CurrentUser, ids: list[uuid.UUID]
) -> dict[uuid.UUID, Delegation]:
    """Each delegation of the visit, locked in id order (two visits never deadlock)."""
    return {i: await delegation_for_update(session, i, actor) for i in ids}


def _worker(actor: CurrentUser, happened: Happened, field: str) -> uuid.UUID | None:
    """A care worker records as themselves; a manager names the worker."""
    if actor.role is not Role.CARE_WORKER:
        return happened.worker_id
    me = queries.worker_of(actor)
    if me is None or happened.worker_id not in (None, me):
        raise Forbidden(f"{field}.worker_id: a care worker records only their own applications")
    return me


async def _entry(
    session: AsyncSession,
    actor: CurrentUser,
    delegation: Delegation,
    visit: DeliveryVisit,
    happened: Happened,
    where: tuple[date, int | None, uuid.UUID | None],
    field: str,
) -> DeliveryRecord:
    """One entry, checked: its codes, its day, the worker's competence on that day (R16)."""
    day, slot, corrects = where
    worker = _worker(actor, happened, field)
    application = rules.Application(
        happened.outcome, happened.reason, worker, happened.change_noticed, happened.change
    )
    rules.check_application(application, field)
    if happened.administered_at > now(session):
        raise InvalidInput(f"{field}.administered_at", "an application cannot be in the future")
    rules.check_day(day, delegation.start_date, today(session), f"{field}.due_on")
    if worker is not None and happened.outcome in rules.CARRIED_OUT:
        standing = await gates.standing_on(session, delegation, worker, day)
        rules.check_worker(worker, standing.standing, day, f"{field}.worker_id")
    entry = DeliveryRecord(
        id=uuid.uuid4(),
        visit_id=visit.id,
        delegation_id=delegation.id,
        person_id=delegation.person_id,
        provider_organisation=delegation.provider_organisation,
        due_on=day,
        slot=slot,
        outcome=happened.outcome,
        reason=happened.reason,
        worker_id=worker,
        administered_at=happened.administered_at,
        observations=happened.observations,
        change_noticed=happened.change_noticed,
        change=happened.change,
        corrects=corrects,
        recorded_by=actor.user_id,
        recorded_at=now(session),
    )
    session.add(entry)
    await session.flush()
    await audit(session, actor, "delivery.record", entry.id, f"{happened.outcome} on {day}")
    if happened.change is not None:
        await notice_change(session, delegation, entry, NoticedChange(happened.change))
    return entry


async def notice_change(
    session: AsyncSession, delegation: Delegation, entry: DeliveryRecord, change: NoticedChange
) -> None:
    """R8, R26: a change noticed raises a review for the oversight owner to consider (unless one
    for a change in need is already due), and ChangeNoticed tells the owner."""
    review_id = await _due_change_review(session, delegation.id)
    if review_id is None and DelegationState(delegation.status) in RUNNING:
        due = review_rules.Due(entry.due_on, ReviewReason.CHANGE_IN_NEED)
        await raise_review(session, delegation, f"noticed-{entry.id}", due)
        review_id = await _due_change_review(session, delegation.id)
    event = rules.noticed(facts_of(delegation), entry.id, change, entry.due_on, review_id)
    if event is not None:
        await publish(session, event)


async def _due_change_review(session: AsyncSession, delegation_id: uuid.UUID) -> uuid.UUID | None:
    await session.flush()
    return await session.scalar(
        select(Review.id)
        .where(
            Review.delegation_id == delegation_id,
            Review.reason == ReviewReason.CHANGE_IN_NEED,
            Review.status == ReviewState.DUE,
        )
        .order_by(Review.due_date, Review.id)
        .limit(1)
    )
