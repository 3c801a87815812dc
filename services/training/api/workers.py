"""Routes for care workers: registered, listed, leaving the provider or changing role (R16),
and their training records."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from services.training.handlers import departures
from services.training.handlers import workers as handlers
from services.training.models import Worker
from services.training.queries import workers as queries
from services.training.schemas.workers import (
    DepartureCreate,
    RoleUpdate,
    TrainingRecordCreate,
    TrainingRecordRead,
    WorkerCreate,
    WorkerPage,
    WorkerRead,
)
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.web import Session, answer_replay, replayed

router = APIRouter(tags=["workers"])
READERS = (Role.PROVIDER_MANAGER, Role.REGISTERED_PRACTITIONER, Role.AUDITOR)


def read(worker: Worker) -> WorkerRead:
    return WorkerRead(
        id=worker.id,
        organisation=worker.organisation,
        role=worker.role,
        active=worker.left_on is None,
        left_on=worker.left_on,
    )


@router.post("/workers", status_code=status.HTTP_201_CREATED, summary="Register a care worker")
async def register_worker(
    body: WorkerCreate, session: Session, user: CurrentUser = admits(Role.PROVIDER_MANAGER)
) -> WorkerRead:
    """Register a pseudonymous care worker (id, role) of the caller's own organisation;
    WorkerRegistered tells delegation whose worker it is."""
    worker = await handlers.register_worker(session, user, body)
    await session.commit()
    return read(worker)


@router.get("/workers", summary="List care workers, by active or role")
async def list_workers(
    request: Request,
    response: Response,
    session: Session,
    active: bool | None = None,
    role: Annotated[str | None, Query(min_length=1, max_length=200)] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS),
) -> WorkerPage:
    """The workers of the caller's organisation and of the providers that approved them,
    oldest registration first, a page at a time; `active=false` lists those who have left."""
    where = queries.WorkerFilter(active, role)
    found, next_cursor = await queries.workers(session, user, where, limit, cursor)
    return WorkerPage(
        items=[read(w) for w in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/workers/{worker_id}", summary="Read a care worker")
async def read_worker(
    worker_id: UUID, session: Session, user: CurrentUser = admits(*READERS)
) -> WorkerRead:
    """One care worker; a worker of a provider the caller does not act for is not found."""
    return read(await queries.load_worker(session, user, worker_id))


@router.post("/workers/{worker_id}/departure", summary="A care worker has left the provider (R16)")
async def record_departure(
    worker_id: UUID,
    body: DepartureCreate,
    session: Session,
    user: CurrentUser = admits(Role.PROVIDER_MANAGER),
) -> WorkerRead:
    """The worker's own provider records the day they left: inactive from then, off every
    training plan; WorkerLeft takes them off every delegation (which suspends only when nobody
    competent is left). The same departure again has no second effect; another day is a 409."""
    worker = await departures.record_departure(session, user, worker_id, body)
    await session.commit()
    return read(worker)


@router.put("/workers/{worker_id}/role", summary="Change a care worker's role")
async def change_role(
    worker_id: UUID,
    body: RoleUpdate,
    session: Session,
    user: CurrentUser = admits(Role.PROVIDER_MANAGER),
) -> WorkerRead:
    """The worker's own provider changes their role (audited); a worker who left is a 409."""
    worker = await departures.change_role(session, user, worker_id, body)
    await session.commit()
    return read(worker)


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
    completed; a repeat answers 200; a worker who left is a 422."""
    record, created = await handlers.record_training(session, user, worker_id, body)
    await session.commit()
    answer_replay(response, created)
    return TrainingRecordRead.model_validate(record)
