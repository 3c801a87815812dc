"""The read side of workers, approved assessors and the IPCB's competence policy."""

from collections.abc import Sequence
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.models import ApprovedAssessor, CompetencePolicy, Worker
from shared.auth import CurrentUser, Role
from shared.errors import NotFound


def sees_only_own_organisation(user: CurrentUser) -> bool:
    return user.role in (Role.PROVIDER_MANAGER, Role.CARE_WORKER)


def organisation_for(user: CurrentUser, provider: str | None) -> str | None:
    """A provider manager sees their own organisation only; others may name one or see all."""
    return user.organisation if sees_only_own_organisation(user) else provider


async def load_worker(session: AsyncSession, user: CurrentUser, worker_id: UUID) -> Worker:
    """The worker, or 404 when absent or another organisation's (nothing leaks)."""
    worker = await session.get(Worker, worker_id)
    if worker is None or (
        sees_only_own_organisation(user) and worker.organisation != user.organisation
    ):
        raise NotFound(f"no worker {worker_id}")
    return worker


async def workers(session: AsyncSession, user: CurrentUser) -> Sequence[Worker]:
    query = select(Worker).order_by(Worker.registered_at, Worker.id)
    if sees_only_own_organisation(user):
        query = query.where(Worker.organisation == user.organisation)
    return (await session.scalars(query)).all()


async def approved_assessors(session: AsyncSession) -> Sequence[ApprovedAssessor]:
    query = select(ApprovedAssessor).order_by(ApprovedAssessor.user_id)
    return (await session.scalars(query)).all()


async def is_approved_assessor(session: AsyncSession, user: CurrentUser) -> bool:
    assessor = await session.get(ApprovedAssessor, user.user_id)
    return assessor is not None and assessor.organisation == user.organisation


async def competence_policy(session: AsyncSession) -> CompetencePolicy:
    policy = await session.get(CompetencePolicy, 1)
    if policy is None:
        raise NotFound("the competence policy is missing")
    return policy
