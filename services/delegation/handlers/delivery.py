"""Delivering a live task: the schedule set, each application recorded by a competent named
worker on the day (R16), a visit's entries all or none, corrections as new entries, and a
change noticed raised to the oversight owner (R8, R26)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import BindParameter, Table, bindparam, insert, inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import delivery as rules
from services.delegation.domain import reviews as review_rules
from services.delegation.domain.delegations import (
    RUNNING,
    CompetenceRecord,
    DelegationState,
    WorkerStanding,
    standing,
)
from services.delegation.domain.parties import check_decider
from services.delegation.domain.reviews import ReviewState
from services.delegation.handlers import gates
from services.delegation.handlers.delegations import delegation_for_update, facts_of
from services.delegation.handlers.review_due import raise_review
from services.delegation.models import (
    Base,
    Competence,
    Delegation,
    DeliveryRecord,
    DeliverySchedule,
    DeliveryVisit,
    Instruction,
    Review,
    TrainingPlan,
)
from services.delegation.queries import delivery as queries
from services.delegation.queries.delegations import visible_to
from services.delegation.schemas.delivery import Entry, Happened, ScheduleUpdate
from shared.audit import audit, audit_log
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
    """A visit's applications, one or more tasks, all recorded or none (R16 for each).

    What each entry is checked against is loaded once for the visit, one statement each (the
    delegations locked with their schedules and training plans, the slots already taken, the
    workers' competence), and the visit, its entries and their audit rows are written together
    at the end."""
    repeated = await _repeated(session, idempotency_key)
    if repeated is not None:
        return repeated
    locked = await _locked(session, actor, sorted({e.delegation_id for e in entries}))
    days = [(e.delegation_id, e.due_on or e.administered_at.date()) for e in entries]
    taken = await _slots_taken(session, days)
    wanted = [
        (locked[e.delegation_id].delegation, e, day)
        for e, (_, day) in zip(entries, days, strict=True)
    ]
    planned = {(i, w) for i, found in locked.items() for w in found.planned}
    standings = await _standings(session, actor, wanted, planned)
    visit = _visit(session, actor, idempotency_key)
    recorded = []
    for index, (delegation, entry, day) in enumerate(wanted):
        field = f"entries[{index}]"
        state = DelegationState(delegation.status)
        rules.check_live(state, delegation.suspension_reason, f"{field}.delegation_id")
        schedule = locked[delegation.id].schedule
        day_taken = taken.setdefault((delegation.id, day), set())
        slot = rules.slot_for(schedule, entry.slot, day_taken, f"{field}.slot")
        if slot is not None:
            day_taken.add(slot)  # this visit's next entry for that day takes the next slot
        where = (day, slot, None)
        recorded.append(_entry(session, actor, delegation, visit, entry, where, field, standings))
    await _written(session, actor, visit, recorded)
    for record in recorded:
        if record.change is not None:
            delegation = locked[record.delegation_id].delegation
            await notice_change(session, delegation, record, NoticedChange(record.change))
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
    visit = _visit(session, actor, idempotency_key)
    where = (original.due_on, original.slot, original.id)
    standings = await _standings(session, actor, [(delegation, body, original.due_on)])
    entry = _entry(session, actor, delegation, visit, body, where, "body", standings)
    await _written(session, actor, visit, [entry])
    if entry.change is not None:
        await notice_change(session, delegation, entry, NoticedChange(entry.change))
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


def _visit(session: AsyncSession, actor: CurrentUser, idempotency_key: str | None) -> DeliveryVisit:
    visit = DeliveryVisit(
        id=uuid.uuid4(),
        idempotency_key=idempotency_key,
        organisation=actor.organisation,
        recorded_by=actor.user_id,
        recorded_at=now(session),
    )
    return visit


# The statements a visit runs, built once (rebuilt for each visit they cost much of its CPU, the
# slots' alias of `queries.current()` alone a sixth): the same SQL, lists bound at execution.
# Those that read plain columns or insert rows name the tables, sparing them the ORM's work.
def _many(name: str) -> BindParameter[Any]:
    return bindparam(name, expanding=True)


def _table(model: type[Base]) -> Table:
    return model.metadata.tables[model.__tablename__]


_LOCKED = (
    select(Delegation, DeliverySchedule, TrainingPlan.worker_id)
    .outerjoin(DeliverySchedule, DeliverySchedule.delegation_id == Delegation.id)
    .outerjoin(TrainingPlan, TrainingPlan.delegation_id == Delegation.id)
    .where(Delegation.id.in_(_many("ids")))
    .order_by(Delegation.id)
    .with_for_update(of=Delegation)
)
_SLOTS_TAKEN = select(
    DeliveryRecord.delegation_id, DeliveryRecord.due_on, DeliveryRecord.slot
).where(
    DeliveryRecord.delegation_id.in_(_many("delegations")),
    DeliveryRecord.due_on.in_(_many("days")),
    DeliveryRecord.slot.is_not(None),
    queries.current(),
)
_competences = _table(Competence).c
_COMPETENCES = select(
    _competences.worker_id,
    _competences.task_code,
    _competences.scope,
    _competences.competent,
    _competences.valid_until,
).where(_competences.worker_id.in_(_many("workers")), _competences.task_code.in_(_many("tasks")))
_plans = _table(TrainingPlan).c
_PLANNED = select(_plans.delegation_id, _plans.worker_id).where(
    _plans.delegation_id.in_(_many("delegations"))
)
_instructions = _table(Instruction).c
_INSTRUCTED = select(
    _instructions.delegation_id, _instructions.worker_id, _instructions.task_code
).where(_instructions.delegation_id.in_(_many("delegations")))
_INSERT_VISIT = insert(_table(DeliveryVisit))
_INSERT_RECORDS = insert(_table(DeliveryRecord))
_VISIT_COLUMNS = [(a.key, a.columns[0].key) for a in inspect(DeliveryVisit).column_attrs]
_RECORD_COLUMNS = [(a.key, a.columns[0].key) for a in inspect(DeliveryRecord).column_attrs]


def _row(instance: object, columns: list[tuple[str, str]]) -> dict[str, Any]:
    return {column: getattr(instance, attribute) for attribute, column in columns}


@dataclass(frozen=True)
class _Locked:
    delegation: Delegation
    schedule: rules.Schedule | None
    planned: frozenset[uuid.UUID]  # the workers on its training plan (R24)


async def _locked(
    session: AsyncSession, actor: CurrentUser, ids: list[uuid.UUID]
) -> dict[uuid.UUID, _Locked]:
    """Each delegation of the visit with its schedule and its training plan's workers (a row
    each), locked in id order (two visits never deadlock), in one statement; another
    organisation's is 'not found'."""
    rows = await session.execute(_LOCKED, {"ids": ids})
    found: dict[uuid.UUID, tuple[Delegation, DeliverySchedule | None]] = {}
    planned: dict[uuid.UUID, set[uuid.UUID]] = {}
    for delegation, schedule, worker in rows.all():
        found[delegation.id] = (delegation, schedule)
        workers = planned.setdefault(delegation.id, set())
        if worker is not None:
            workers.add(worker)
    locked = {}
    for i in ids:
        if i not in found or not visible_to(actor, found[i][0]):
            raise NotFound(f"no delegation {i}")
        delegation, row = found[i]
        locked[i] = _Locked(delegation, _schedule(delegation, row), frozenset(planned[i]))
    return locked


async def _slots_taken(
    session: AsyncSession, days: list[tuple[uuid.UUID, date]]
) -> dict[tuple[uuid.UUID, date], set[int]]:
    """The scheduled applications of those days already recorded (by a current entry)."""
    asked = {"delegations": list({d for d, _ in days}), "days": list({day for _, day in days})}
    rows = await session.execute(_SLOTS_TAKEN, asked)
    taken: dict[tuple[uuid.UUID, date], set[int]] = {}
    for delegation_id, day, slot in rows.all():
        if slot is not None:
            taken.setdefault((delegation_id, day), set()).add(slot)
    return taken


Standings = dict[tuple[uuid.UUID, uuid.UUID, date], gates.WorkerOnTask]


async def _standings(
    session: AsyncSession,
    actor: CurrentUser,
    wanted: Sequence[tuple[Delegation, Happened, date]],
    planned: set[tuple[uuid.UUID, uuid.UUID]] | None = None,
) -> Standings:
    """R16: the standing on the day of each worker who carried out (or offered) an entry's
    application, for the whole visit at once: one statement for the competences of the named
    workers, one for instructions only when a competence does not already stand."""
    asked = {
        (d, w, day)
        for d, happened, day in wanted
        if happened.outcome in rules.CARRIED_OUT
        and (w := _worker_or_none(actor, happened)) is not None
    }
    found: Standings = {}
    named = []
    for delegation, worker, day in asked:
        if worker in gates.workers_of(delegation):
            named.append((delegation, worker, day))
        else:  # not named (or left after that day): the departure decides, one by one
            found[(delegation.id, worker, day)] = await gates.standing_on(
                session, delegation, worker, day
            )
    if not named:
        return found
    whose = {
        "workers": list({w for _, w, _ in named}),
        "tasks": list({d.task_code for d, _, _ in named}),
    }
    records: dict[tuple[uuid.UUID, str], list[tuple[str, CompetenceRecord]]] = {}
    for worker_id, task_code, scope, competent, valid_until in await session.execute(
        _COMPETENCES, whose
    ):
        record = CompetenceRecord(competent, valid_until)
        records.setdefault((worker_id, task_code), []).append((scope, record))
    instructed: set[tuple[uuid.UUID, uuid.UUID]] | None = None
    off_plan = await _off_plan(session, [d for d, _, _ in named], planned)
    for delegation, worker, day in named:
        scopes = ("*", str(delegation.person_id))
        mine = [
            r for scope, r in records.get((worker, delegation.task_code), []) if scope in scopes
        ]
        was_instructed = False
        if (
            not delegation.needs_specific_training
            and standing(mine, False, day) is not WorkerStanding.IN_DATE
        ):
            if instructed is None:
                instructed = await _instructed(session, [d for d, _, _ in named])
            was_instructed = (delegation.id, worker) in instructed
        on_plan = (delegation.id, worker) not in off_plan
        found[(delegation.id, worker, day)] = gates.WorkerOnTask(
            worker, standing(mine, False, day, was_instructed, on_plan)
        )
    return found


async def _off_plan(
    session: AsyncSession,
    delegations: list[Delegation],
    planned: set[tuple[uuid.UUID, uuid.UUID]] | None,
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """R24, as `gates.off_plan_workers` judges it, for the whole visit in one statement (none
    when the (delegation, worker) pairs on the training plans came with the lock): the pairs
    named on a running delegation whose task needs specific training and who are not on its
    training plan."""
    judged = {
        d.id: d
        for d in delegations
        if d.needs_specific_training and DelegationState(d.status) in RUNNING
    }
    if not judged:
        return set()
    if planned is None:
        rows = await session.execute(_PLANNED, {"delegations": list(judged)})
        planned = {(d, w) for d, w in rows.all()}
    return {
        (d.id, w) for d in judged.values() for w in gates.workers_of(d) if (d.id, w) not in planned
    }


async def _instructed(
    session: AsyncSession, delegations: list[Delegation]
) -> set[tuple[uuid.UUID, uuid.UUID]]:
    """A 5.13: the (delegation, worker) pairs with an instruction in the delegation's task."""
    tasks = {d.id: d.task_code for d in delegations}
    rows = await session.execute(_INSTRUCTED, {"delegations": list(tasks)})
    return {(d, w) for d, w, task in rows.all() if tasks[d] == task}


def _worker_or_none(actor: CurrentUser, happened: Happened) -> uuid.UUID | None:
    """The worker an entry is recorded for, None when `_worker` will refuse it."""
    if actor.role is not Role.CARE_WORKER:
        return happened.worker_id
    me = queries.worker_of(actor)
    return me if me is not None and happened.worker_id in (None, me) else None


def _worker(actor: CurrentUser, happened: Happened, field: str) -> uuid.UUID | None:
    """A care worker records as themselves; a manager names the worker."""
    if actor.role is not Role.CARE_WORKER:
        return happened.worker_id
    me = queries.worker_of(actor)
    if me is None or happened.worker_id not in (None, me):
        raise Forbidden(f"{field}.worker_id: a care worker records only their own applications")
    return me


def _entry(
    session: AsyncSession,
    actor: CurrentUser,
    delegation: Delegation,
    visit: DeliveryVisit,
    happened: Happened,
    where: tuple[date, int | None, uuid.UUID | None],
    field: str,
    standings: Standings,
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
        standing_then = standings[(delegation.id, worker, day)]
        rules.check_worker(worker, standing_then.standing, day, f"{field}.worker_id")
    return DeliveryRecord(
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


async def _written(
    session: AsyncSession, actor: CurrentUser, visit: DeliveryVisit, entries: list[DeliveryRecord]
) -> None:
    """The visit, then its entries in one statement, then their audit rows in one: plain
    inserts, not the unit of work (the objects are only read afterwards, for the answer)."""
    await session.execute(_INSERT_VISIT, [_row(visit, _VISIT_COLUMNS)])
    await session.execute(_INSERT_RECORDS, [_row(e, _RECORD_COLUMNS) for e in entries])
    at = now(session)
    rows = [
        {
            "at": at,
            "user_id": actor.user_id,
            "role": actor.role.value,
            "organisation": actor.organisation,
            "action": "delivery.record",
            "subject": str(e.id),
            "reason": f"{e.outcome} on {e.due_on}",
        }
        for e in entries
    ]
    await session.execute(insert(audit_log), rows)


def _schedule(delegation: Delegation, row: DeliverySchedule | None) -> rules.Schedule | None:
    """The support plan's schedule, else the proposal's frequency in the usual words."""
    if row is not None:
        return rules.Schedule(row.times_per_day, frozenset(row.weekdays))
    return rules.schedule_from_frequency(delegation.frequency)


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
