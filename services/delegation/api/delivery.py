"""Delivering a live task: the tasks a care worker is named on (R16, R17), each application
recorded (R16), those missed, and a change noticed reaching the oversight owner (R8)."""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain.delegations import DelegationState
from services.delegation.domain.delivery import MAX_WINDOW_DAYS, MAY_CARRY_OUT
from services.delegation.handlers import delivery as handlers
from services.delegation.handlers import gates
from services.delegation.models import Delegation, DeliveryRecord, Instruction, TrainingPlan
from services.delegation.queries import delivery as queries
from services.delegation.schemas.delivery import (
    DelegatedTaskPage,
    DelegatedTaskRead,
    Happened,
    MissedPage,
    MissedRead,
    RecordPage,
    RecordRead,
    ScheduleRead,
    ScheduleUpdate,
    VisitCreate,
    VisitRead,
)
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.dates import EARLIEST, LATEST
from shared.db import today
from shared.errors import InvalidInput
from shared.web import IdempotencyKey, Session, answer_replay, problem_response, replayed

router = APIRouter(tags=["delivery"])
RECORDERS = (Role.CARE_WORKER, Role.PROVIDER_MANAGER)
READERS = (
    Role.PROVIDER_MANAGER,
    Role.REGISTERED_PRACTITIONER,
    Role.MDT_MEMBER,
    Role.COMMISSIONER,
)


async def schedule_read(session: AsyncSession, delegation: Delegation) -> ScheduleRead | None:
    found, source = await queries.schedule(session, delegation)
    if found is None:
        return None
    weekdays = sorted(found.weekdays)
    return ScheduleRead(times_per_day=found.times_per_day, weekdays=weekdays, source=source)


async def task_read(
    session: AsyncSession, delegation: Delegation, worker_id: UUID
) -> DelegatedTaskRead:
    """What the named worker needs to carry the task out: schedule, oversight contact,
    conditions, and whether they may do it today (R16)."""
    mine = await gates.standing_on(session, delegation, worker_id, today(session))
    instruction = await session.get(Instruction, (delegation.id, worker_id))
    plan = await session.get(TrainingPlan, (delegation.id, worker_id))
    live = delegation.status == DelegationState.LIVE
    return DelegatedTaskRead(
        delegation_id=delegation.id,
        person_id=delegation.person_id,
        task_code=delegation.task_code,
        task_name=await queries.task_name(session, delegation.task_code),
        category=delegation.category,
        setting=delegation.setting,
        status=delegation.status,
        start_date=delegation.start_date,
        standing=mine.standing,
        may_carry_out_today=live and mine.standing in MAY_CARRY_OUT,
        competence_valid_until=mine.valid_until,
        instructed_on=instruction.instructed_on if instruction is not None else None,
        training_plan_id=plan.plan_id if plan is not None else None,
        needs_specific_training=delegation.needs_specific_training,
        frequency=delegation.frequency,
        schedule=await schedule_read(session, delegation),
        contact_arrangements=delegation.contact_arrangements,
        oversight_kind=delegation.oversight_kind,
        oversight_owner=delegation.oversight_owner,
        oversight_interval_days=delegation.oversight_interval_days,
        conditions=await queries.conditions(session, delegation),
    )


def plausible(field: str, day: date | None) -> None:
    if day is not None and not EARLIEST <= day <= LATEST:
        raise InvalidInput(field, f"a date from {EARLIEST} to {LATEST}")


def me(user: CurrentUser) -> UUID:
    worker = queries.worker_of(user)
    assert worker is not None  # the queries answered nothing for a caller who is no worker
    return worker


@router.get("/delegated-tasks", summary="The delegated tasks the calling care worker is named on")
async def list_delegated_tasks(
    request: Request,
    response: Response,
    session: Session,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(Role.CARE_WORKER),
) -> DelegatedTaskPage:
    """A care worker (signed in as the worker id training registered) reads the tasks of their
    organisation that name them: instructions, schedule, oversight contact and conditions;
    oldest first, a page at a time, each read audited."""
    found, next_cursor = await queries.named_tasks(session, user, limit, cursor)
    items = [await task_read(session, d, me(user)) for d in found]
    return DelegatedTaskPage(
        items=items,
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get(
    "/delegated-tasks/{delegation_id}",
    summary="A delegated task the calling care worker is named on",
)
async def get_delegated_task(
    delegation_id: UUID, session: Session, user: CurrentUser = admits(Role.CARE_WORKER)
) -> DelegatedTaskRead:
    """Only a task that names the caller, of their organisation; the read is audited."""
    delegation = await queries.named_task(session, user, delegation_id)
    return await task_read(session, delegation, me(user))


@router.put(
    "/delegations/{delegation_id}/schedule",
    summary="Set the schedule the support plan gives the task (e.g. twice a day)",
)
async def set_schedule(
    delegation_id: UUID,
    body: ScheduleUpdate,
    session: Session,
    user: CurrentUser = admits(Role.REGISTERED_PRACTITIONER, Role.MDT_MEMBER),
) -> ScheduleRead:
    """The MDT's organisations or the oversight owner; without one, the proposal's frequency
    in the usual words ('twice a day') stands; missed applications count against it."""
    delegation = await handlers.set_schedule(session, user, delegation_id, body)
    await session.commit()
    found = await schedule_read(session, delegation)
    assert found is not None  # just set
    return found


async def records_read(
    session: AsyncSession, entries: Sequence[DeliveryRecord], *, just_recorded: bool = False
) -> list[RecordRead]:
    """Each entry with the one correcting it, if any; entries this request has just recorded
    are corrected by none yet (no read for them: a tenth of a visit's time in the service)."""
    entry_ids = [] if just_recorded else [e.id for e in entries]
    corrected = await queries.corrections_of(session, entry_ids) if entry_ids else {}
    return [
        RecordRead.model_validate(e).model_copy(update={"corrected_by": corrected.get(e.id)})
        for e in entries
    ]


@router.post(
    "/delivery-records",
    status_code=status.HTTP_201_CREATED,
    responses=replayed(VisitRead)
    | {404: problem_response("An entry names no delegation the caller's organisation carries")},
    summary="Record a visit's applications of delegated tasks (R16), all or none",
)
async def record_applications(
    body: VisitCreate,
    response: Response,
    session: Session,
    idempotency_key: IdempotencyKey = None,
    user: CurrentUser = admits(*RECORDERS),
) -> VisitRead:
    """Each application: given, partly given or not given (with a coded reason), or declined by
    the person; by which worker, when, with observations and a change noticed. Refused (422, R16)
    when that worker is not competent and in date for the task on that day, or the delegation is
    not live; a change noticed raises a review for the oversight owner (R8)."""
    recorded = await handlers.record_visit(session, user, body.entries, idempotency_key)
    await session.commit()
    answer_replay(response, recorded.created)
    entries = await records_read(session, recorded.entries, just_recorded=recorded.created)
    return VisitRead(visit_id=recorded.visit.id, entries=entries)


@router.post(
    "/delivery-records/{record_id}/correction",
    status_code=status.HTTP_201_CREATED,
    responses=replayed(VisitRead),
    summary="Correct a recorded application: a new entry pointing at it",
)
async def correct_record(
    record_id: UUID,
    body: Happened,
    response: Response,
    session: Session,
    idempotency_key: IdempotencyKey = None,
    user: CurrentUser = admits(*RECORDERS),
) -> VisitRead:
    """Nothing is overwritten: the correction restates the application whole and names the entry
    it corrects, which stays as recorded (a care worker corrects their own entries)."""
    recorded = await handlers.correct(session, user, record_id, body, idempotency_key)
    await session.commit()
    answer_replay(response, recorded.created)
    entries = await records_read(session, recorded.entries, just_recorded=recorded.created)
    return VisitRead(visit_id=recorded.visit.id, entries=entries)


@router.get("/delivery-records/{record_id}", summary="One recorded application")
async def get_record(
    record_id: UUID, session: Session, user: CurrentUser = admits(*READERS)
) -> RecordRead:
    """Within a legitimate relationship with the person (provider staff: their organisation's),
    audited; `corrected_by` names the entry that corrects it."""
    [found] = await records_read(session, [await queries.record(session, user, record_id)])
    return found


@router.get(
    "/delegations/{delegation_id}/delivery-records",
    summary="A delegation's recorded applications, corrections included",
)
async def list_records(
    delegation_id: UUID,
    request: Request,
    response: Response,
    session: Session,
    from_date: Annotated[date | None, Query(alias="from")] = None,
    to_date: Annotated[date | None, Query(alias="to")] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS, Role.CARE_WORKER),
) -> RecordPage:
    """In the order recorded, a page at a time; within a legitimate relationship, audited; a
    care worker reads those of the tasks that name them."""
    if user.role is Role.CARE_WORKER:
        await queries.named_task(session, user, delegation_id)
    plausible("from", from_date)
    plausible("to", to_date)
    found, next_cursor = await queries.records(
        session, user, delegation_id, (from_date, to_date), limit, cursor
    )
    return RecordPage(
        items=await records_read(session, found),
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/missed-applications", summary="Scheduled applications with no entry (R16)")
async def list_missed(
    request: Request,
    response: Response,
    session: Session,
    delegation_id: UUID | None = None,
    person_id: UUID | None = None,
    organisation: Annotated[str | None, Query(max_length=200)] = None,
    from_date: Annotated[date | None, Query(alias="from")] = None,
    to_date: Annotated[date | None, Query(alias="to")] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS),
) -> MissedPage:
    """Computed from the schedule: each scheduled application of a live day with no entry (one
    not given for a coded reason is accounted for), by day; the four weeks to yesterday unless
    asked, at most 92 days; days Health covered after a handback are not counted (R18). Provider
    managers see their organisation's."""
    plausible("from", from_date)
    plausible("to", to_date)
    last = to_date or today(session) - timedelta(days=1)
    first = from_date or last - timedelta(days=27)
    if first > last or (last - first).days >= MAX_WINDOW_DAYS:
        raise InvalidInput("from", f"from must be on or before to, at most {MAX_WINDOW_DAYS} days")
    where = queries.MissedFilter(first, last, delegation_id, person_id, organisation)
    found, next_cursor = await queries.missed_applications(session, user, where, limit, cursor)
    items = [MissedRead.model_validate(m) for m in found]
    return MissedPage(
        items=items,
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get(
    "/changes-noticed", summary="Changes care workers noticed, for the oversight owner (R8)"
)
async def list_changes_noticed(
    request: Request,
    response: Response,
    session: Session,
    oversight_owner: Annotated[str | None, Query(max_length=200)] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(Role.REGISTERED_PRACTITIONER, Role.MDT_MEMBER),
) -> RecordPage:
    """Each application at which a change was noticed (its current entry), oldest first, of the
    tasks the owner oversees: a practitioner's own organisation's unless another is named. Each
    raised a change-in-need review to consider (R26); each person shown audited."""
    found, next_cursor = await queries.changes_noticed(
        session, user, oversight_owner, limit, cursor
    )
    return RecordPage(
        items=await records_read(session, found),
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )
