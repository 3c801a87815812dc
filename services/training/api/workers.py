"""Routes for care workers and their training records."""

from uuid import UUID

from fastapi import APIRouter, Response, status

from services.training.handlers import workers as handlers
from services.training.queries import workers as queries
from services.training.schemas.workers import (
    TrainingRecordCreate,
    TrainingRecordRead,
    WorkerCreate,
    WorkerRead,
)
from shared.auth import CurrentUser, Role, admits
from shared.web import Session, answer_replay, replayed

router = APIRouter(tags=["workers"])
READERS = (Role.PROVIDER_MANAGER, Role.REGISTERED_PRACTITIONER, Role.AUDITOR)


@router.post("/workers", status_code=status.HTTP_201_CREATED, summary="Register a care worker")
async def register_worker(
    body: WorkerCreate, session: Session, user: CurrentUser = admits(Role.PROVIDER_MANAGER)
) -> WorkerRead:
    """Register a pseudonymous care worker (id, role) of the caller's own organisation."""
    worker = await handlers.register_worker(session, user, body)
    await session.commit()
    return WorkerRead.model_validate(worker)


@router.get("/workers", summary="List care workers")
async def list_workers(session: Session, user: CurrentUser = admits(*READERS)) -> list[WorkerRead]:
    """The workers of the caller's organisation and of the providers that approved them."""
    return [WorkerRead.model_validate(w) for w in await queries.workers(session, user)]


@router.get("/workers/{worker_id}", summary="Read a care worker")
async def read_worker(
    worker_id: UUID, session: Session, user: CurrentUser = admits(*READERS)
) -> WorkerRead:
    """One care worker; a worker of a provider the caller does not act for is not found."""
    return WorkerRead.model_validate(await queries.load_worker(session, user, worker_id))


@router.post(
    "/workers/{worker_id}/training-records",
    status_code=status.HTTP_201_CREATED,
    responses=replayed(TrainingRecordRead),
    summary="Record knowledge or skills training completed (R16)",
)
async def record_training(
    worker_id: UUID,
    body: TrainingRecordCreate,
    session: Session,
    response: Response,
    user: CurrentUser = admits(Role.PROVIDER_MANAGER, Role.REGISTERED_PRACTITIONER),
) -> TrainingRecordRead:
    """The worker's provider, or an assessor it approved, records knowledge or skills training
    completed; a repeat answers 200."""
    record, created = await handlers.record_training(session, user, worker_id, body)
    await session.commit()
    answer_replay(response, created)
    return TrainingRecordRead.model_validate(record)
