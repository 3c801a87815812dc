"""The read side of workers and the IPCB's competence policy."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.domain.workers import check_active
from services.training.models import CompetencePolicy, Worker
from services.training.queries.assessors import covered, scope
from shared import pages
from shared.auth import CurrentUser
from shared.errors import NotFound


async def load_worker(
    session: AsyncSession, user: CurrentUser, worker_id: UUID, *, acting: bool = False
) -> Worker:
    """The worker, or 404 when absent or of a provider the caller neither belongs to nor was
    approved by (`acting`: to train, assess or instruct; else to read): nothing leaks."""
    worker = await session.get(Worker, worker_id)
    if worker is None or not (await scope(session, user, acting=acting)).covers(
        worker.organisation
    ):
        raise NotFound(f"no worker {worker_id}")
    if acting:
        check_active(worker.id, worker.left_on)
    return worker


@dataclass(frozen=True)
class WorkerFilter:
    active: bool | None = None
    role: str | None = None


ORDER = (pages.Key(Worker.registered_at, datetime), pages.Key(Worker.id, UUID))


async def workers(
    session: AsyncSession, user: CurrentUser, where: WorkerFilter, limit: int, cursor: str | None
) -> tuple[Sequence[Worker], str | None]:
    """The workers of the providers the caller belongs to or was approved by, oldest
    registration first, a page at a time; active (not left) or not, of one role."""
    visible = await scope(session, user)
    query = select(Worker).where(covered(Worker.organisation, visible))
    if where.active is not None:
        left = Worker.left_on.is_(None) if where.active else Worker.left_on.is_not(None)
        query = query.where(left)
    if where.role is not None:
        query = query.where(Worker.role == where.role)
    return await pages.keyset(session, query, ORDER, limit, cursor)


async def own_worker(session: AsyncSession, user: CurrentUser, worker_id: UUID) -> Worker:
    """A worker of the caller's own organisation (the provider employs them), locked; else 404."""
    worker = await session.get(Worker, worker_id, with_for_update=True)
    if worker is None or worker.organisation != user.organisation:
        raise NotFound(f"no worker {worker_id}")
    return worker


async def competence_policy(session: AsyncSession) -> CompetencePolicy:
    policy = await session.get(CompetencePolicy, 1)
    if policy is None:
        raise NotFound("the competence policy is missing")
    return policy
