"""Delivering a live task: the tasks a care worker is named on (R16, R17), each application
recorded (R16), those missed, and a change noticed reaching the oversight owner (R8)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain.delegations import DelegationState
from services.delegation.domain.delivery import MAY_CARRY_OUT
from services.delegation.handlers import gates
from services.delegation.models import Delegation, Instruction
from services.delegation.queries import delivery as queries
from services.delegation.schemas.delivery import (
    DelegatedTaskPage,
    DelegatedTaskRead,
    ScheduleRead,
)
from shared.auth import CurrentUser, Role, admits
from shared.db import today
from shared.web import Session

router = APIRouter(tags=["delivery"])
Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(max_length=400)]


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
        needs_specific_training=delegation.needs_specific_training,
        frequency=delegation.frequency,
        schedule=await schedule_read(session, delegation),
        contact_arrangements=delegation.contact_arrangements,
        oversight_kind=delegation.oversight_kind,
        oversight_owner=delegation.oversight_owner,
        oversight_interval_days=delegation.oversight_interval_days,
        conditions=await queries.conditions(session, delegation),
    )


def me(user: CurrentUser) -> UUID:
    worker = queries.worker_of(user)
    assert worker is not None  # the queries answered nothing for a caller who is no worker
    return worker


@router.get("/delegated-tasks", summary="The delegated tasks the calling care worker is named on")
async def list_delegated_tasks(
    session: Session,
    limit: Limit = 50,
    cursor: Cursor = None,
    user: CurrentUser = admits(Role.CARE_WORKER),
) -> DelegatedTaskPage:
    """A care worker (signed in as the worker id training registered) reads the tasks of their
    organisation that name them: instructions, schedule, oversight contact and conditions;
    oldest first, a page at a time, each read audited."""
    found, next_cursor = await queries.named_tasks(session, user, limit, cursor)
    items = [await task_read(session, d, me(user)) for d in found]
    return DelegatedTaskPage(items=items, next_cursor=next_cursor)


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
