"""Workers, their training records and the IPCB's competence policy."""

from uuid import UUID, uuid4

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import flag_modified

from services.training.domain.competence import TrainingKind
from services.training.domain.dates import check_past
from services.training.domain.refreshers import done_in_time
from services.training.models import (
    CompetenceAssessment,
    CompetencePolicy,
    RefresherNotice,
    TrainingRecord,
    Worker,
)
from services.training.queries.workers import competence_policy, load_worker
from services.training.schemas.competence import CompetencePolicyUpdate
from services.training.schemas.workers import TrainingRecordCreate, WorkerCreate
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import now, today
from shared.events.training import WorkerRegistered
from shared.organisations import require_board_member
from shared.outbox import publish


def claim(worker: Worker) -> None:
    """This change is a compare-and-set on the worker: its version moves, or the flush fails."""
    flag_modified(worker, "organisation")


async def register_worker(session: AsyncSession, actor: CurrentUser, body: WorkerCreate) -> Worker:
    """A provider manager registers a care worker of their own organisation."""
    worker = Worker(
        id=uuid4(), organisation=actor.organisation, role=body.role, registered_at=now(session)
    )
    session.add(worker)
    await session.flush()
    registered = WorkerRegistered(
        worker_id=worker.id, provider_organisation=worker.organisation, registered_on=today(session)
    )
    await publish(session, registered)
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
    """R16: knowledge or skills training completed (R25: or refresher training), recorded by
    the worker's provider or an assessor acting for it; the same record twice is kept once."""
    worker = await load_worker(session, actor, worker_id, acting=True)
    check_past("completed_on", body.completed_on, today(session))
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
    claim(worker)
    await session.flush()
    if body.kind is TrainingKind.REFRESHER:
        await _refresher_done(session, record)
    await audit(session, actor, "training.record", worker.id, f"{body.kind} {body.task_code}")
    return record, True


async def _refresher_done(session: AsyncSession, record: TrainingRecord) -> None:
    """R25: a refresher done in time closes the notices it answers (for any person, or its)."""
    query = (
        select(RefresherNotice, CompetenceAssessment.assessed_on)
        .join(CompetenceAssessment, CompetenceAssessment.id == RefresherNotice.assessment_id)
        .where(
            RefresherNotice.worker_id == record.worker_id,
            RefresherNotice.task_code == record.task_code,
            RefresherNotice.done_on.is_(None),
        )
    )
    if record.person_id is not None:
        query = query.where(RefresherNotice.person_id == record.person_id)
    for notice, assessed_on in await session.execute(query):
        if done_in_time(record.completed_on, assessed_on, notice.due_on):
            notice.done_on = record.completed_on


async def set_competence_policy(
    session: AsyncSession, actor: CurrentUser, body: CompetencePolicyUpdate
) -> CompetencePolicy:
    """R25: the IPCB (a member of a board organisation) sets how many failures in a row tell
    the provider manager."""
    await require_board_member(session, actor)
    policy = await competence_policy(session)
    policy.failures_before_escalation = body.failures_before_escalation
    policy.updated_by = actor.user_id
    await session.flush()
    await audit(
        session, actor, "competence_policy.update", "1", str(body.failures_before_escalation)
    )
    return policy
