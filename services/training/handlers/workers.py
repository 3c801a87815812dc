"""Workers, their training records, approved assessors and the IPCB's competence policy."""

from collections.abc import Sequence
from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.training.models import (
    ApprovedAssessor,
    CompetencePolicy,
    TrainingRecord,
    Worker,
)
from services.training.schemas import (
    ApprovedAssessorCreate,
    CompetencePolicyUpdate,
    TrainingRecordCreate,
    WorkerCreate,
)
from shared.audit import audit
from shared.auth import CurrentUser, Role
from shared.clock import today
from shared.errors import InvalidInput, NotFound
from shared.outbox import session_clock


def sees_only_own_organisation(user: CurrentUser) -> bool:
    return user.role in (Role.PROVIDER_MANAGER, Role.CARE_WORKER)


async def load_worker(
    session: AsyncSession, user: CurrentUser, worker_id: UUID, *, lock: bool = False
) -> Worker:
    """The worker, or 404 when absent or another organisation's (nothing leaks)."""
    query = select(Worker).where(Worker.id == worker_id)
    worker = await session.scalar(query.with_for_update() if lock else query)
    if worker is None or (
        sees_only_own_organisation(user) and worker.organisation != user.organisation
    ):
        raise NotFound(f"no worker {worker_id}")
    return worker


async def register_worker(session: AsyncSession, actor: CurrentUser, body: WorkerCreate) -> Worker:
    """A provider manager registers a care worker of their own organisation."""
    worker = Worker(
        id=uuid4(),
        organisation=actor.organisation,
        role=body.role,
        registered_at=session_clock(session).now(),
    )
    session.add(worker)
    await session.flush()
    await audit(session, actor, "worker.register", worker.id)
    return worker


async def _same_training(
    session: AsyncSession, worker_id: UUID, body: TrainingRecordCreate
) -> TrainingRecord | None:
    person = (
        TrainingRecord.person_id.is_(None)
        if body.person_id is None
        else TrainingRecord.person_id == body.person_id
    )
    return await session.scalar(
        select(TrainingRecord).where(
            TrainingRecord.worker_id == worker_id,
            TrainingRecord.task_code == body.task_code,
            person,
            TrainingRecord.kind == body.kind.value,
            TrainingRecord.completed_on == body.completed_on,
        )
    )


async def record_training(
    session: AsyncSession, actor: CurrentUser, worker_id: UUID, body: TrainingRecordCreate
) -> tuple[TrainingRecord, bool]:
    """R16: knowledge or skills training completed; the same record twice is kept once."""
    worker = await load_worker(session, actor, worker_id, lock=True)
    if body.completed_on > today(session_clock(session)):
        raise InvalidInput("completed_on", "training cannot be completed in the future")
    earlier = await _same_training(session, worker.id, body)
    if earlier is not None:
        return earlier, False
    record = TrainingRecord(
        id=uuid4(),
        worker_id=worker.id,
        task_code=body.task_code,
        person_id=body.person_id,
        kind=body.kind,
        completed_on=body.completed_on,
        delivered_by=body.delivered_by,
        recorded_by=actor.user_id,
    )
    session.add(record)
    await session.flush()
    await audit(session, actor, "training.record", worker.id, f"{body.kind} {body.task_code}")
    return record, True


async def approve_assessor(
    session: AsyncSession, actor: CurrentUser, body: ApprovedAssessorCreate
) -> ApprovedAssessor:
    """R25: add someone to the list of approved competence assessors (a repeat changes nothing)."""
    existing = await session.get(ApprovedAssessor, body.user_id)
    if existing is not None:
        return existing
    assessor = ApprovedAssessor(
        user_id=body.user_id,
        organisation=body.organisation,
        approved_by=actor.user_id,
        approved_on=today(session_clock(session)),
    )
    session.add(assessor)
    await session.flush()
    await audit(session, actor, "assessor.approve", body.user_id, body.organisation)
    return assessor


async def approved_assessors(session: AsyncSession) -> Sequence[ApprovedAssessor]:
    query = select(ApprovedAssessor).order_by(ApprovedAssessor.user_id)
    return (await session.scalars(query)).all()


async def is_approved_assessor(session: AsyncSession, user: CurrentUser) -> bool:
    assessor = await session.get(ApprovedAssessor, user.user_id)
    return assessor is not None and assessor.organisation == user.organisation


async def competence_policy(session: AsyncSession, *, lock: bool = False) -> CompetencePolicy:
    query = select(CompetencePolicy).where(CompetencePolicy.id == 1)
    policy = await session.scalar(query.with_for_update() if lock else query)
    if policy is None:
        raise NotFound("the competence policy is missing")
    return policy


async def set_competence_policy(
    session: AsyncSession, actor: CurrentUser, body: CompetencePolicyUpdate
) -> CompetencePolicy:
    """R25: the IPCB sets how many failures in a row tell the provider manager."""
    policy = await competence_policy(session, lock=True)
    policy.failures_before_escalation = body.failures_before_escalation
    policy.updated_by = actor.user_id
    await session.flush()
    await audit(
        session, actor, "competence_policy.update", "1", str(body.failures_before_escalation)
    )
    return policy
