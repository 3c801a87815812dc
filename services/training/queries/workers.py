"""The read side of workers and the IPCB's competence policy."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.models import CompetencePolicy, Worker
from services.training.queries.assessors import covered, scope
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
    return worker


async def workers(session: AsyncSession, user: CurrentUser) -> Sequence[Worker]:
    """The workers of the providers the caller belongs to or was approved by."""
    visible = await scope(session, user)
    query = select(Worker).where(covered(Worker.organisation, visible))
    return (await session.scalars(query.order_by(Worker.registered_at, Worker.id))).all()


async def competence_policy(session: AsyncSession) -> CompetencePolicy:
    policy = await session.get(CompetencePolicy, 1)
    if policy is None:
        raise NotFound("the competence policy is missing")
    return policy
