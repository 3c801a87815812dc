"""Named workers (R16): one leaving, and each running delegation's workers judged on the
day."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import delegations as rules
from services.delegation.handlers.delegations.going_live import reassess
from services.delegation.handlers.delegations.loading import (
    delegation_for_update,
    facts_of,
)
from services.delegation.models import Delegation, WorkerDeparture
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import today


async def record_departure(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, worker_id: UUID
) -> Delegation:
    """R16: a worker who leaves no longer carries out the task; with nobody competent left the
    delegation suspends and the task returns to its owner."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    rules.check_departure(facts_of(delegation), worker_id)
    delegation.worker_ids = [w for w in delegation.worker_ids if w != str(worker_id)]
    session.add(
        WorkerDeparture(
            delegation_id=delegation.id,
            worker_id=worker_id,
            left_on=today(session),
            recorded_by=actor.user_id,
        )
    )
    await audit(session, actor, "delegation.worker_left", delegation.id, str(worker_id))
    await session.flush()
    await reassess(session, delegation)
    return delegation


async def judge_competence_today(session: AsyncSession, batch: int = 500) -> int:
    """Scheduler job, R16: once a day each running delegation's workers are judged on the day,
    so a competence stops counting on its valid_until even before training's CompetenceLapsed
    arrives; with nobody competent left it suspends and the task is handed back (R18)."""
    on = today(session)
    due = await session.scalars(
        select(Delegation)
        .where(
            Delegation.status.in_(rules.RUNNING),
            or_(Delegation.competence_checked_on.is_(None), Delegation.competence_checked_on < on),
        )
        .order_by(Delegation.id)
        .limit(batch)
        .with_for_update(skip_locked=True)
    )
    judged = 0
    for delegation in due.all():
        await reassess(session, delegation)
        delegation.competence_checked_on = on
        judged += 1
    return judged
