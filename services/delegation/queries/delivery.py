"""The delivery side of a live task: the tasks a care worker is named on, each application
recorded, and the applications missed (R16); every read of a person's record audited."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from uuid import UUID

from sqlalchemy import String, and_, cast, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import delivery as rules
from services.delegation.domain.delegations import ACTIVE
from services.delegation.models import Delegation, DeliverySchedule, Proposal, Task
from services.delegation.queries import pages
from services.delegation.queries.delegations import people_filter, readable
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
        created_at, after = pages.decode(cursor, 2)
        at, last = datetime.fromisoformat(str(created_at)), UUID(str(after))
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
