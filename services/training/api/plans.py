"""Routes for training plans (R24, R25) and release for training (backfill)."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from services.training.domain.plans import PlanStatus
from services.training.handlers import plans as handlers
from services.training.queries import plans as queries
from services.training.schemas.plans import (
    PlanReturn,
    ReleaseCreate,
    ReleaseRead,
    TrainingPlanContent,
    TrainingPlanPage,
    TrainingPlanRead,
)
from shared import pages
from shared.auth import CurrentUser, Role, admits
from shared.web import Session

router = APIRouter(tags=["training plans"])
# A plan is about a person's task: read by the provider, those acting for it and organisations
# with a relationship with the person; the IPCB and auditors see reports and the audit trail.
READERS = (Role.PROVIDER_MANAGER, Role.REGISTERED_PRACTITIONER)


@router.get("/training-plans", summary="List training plans (R24)")
async def list_plans(
    request: Request,
    response: Response,
    session: Session,
    status: PlanStatus | None = None,
    person_id: UUID | None = None,
    delegation_id: UUID | None = None,
    task_code: Annotated[str | None, Query(max_length=100)] = None,
    provider_organisation: Annotated[str | None, Query(max_length=200)] = None,
    required_from: date | None = None,
    required_to: date | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS),
) -> TrainingPlanPage:
    """The plans the caller may see (their provider's, those of providers they act for, those
    of people their organisation has a relationship with), soonest required first, a page at
    a time; by status, person, delegation, task, provider or the day required."""
    where = queries.TaskFilter(
        status,
        person_id,
        delegation_id,
        task_code,
        provider_organisation,
        required_from,
        required_to,
    )
    found, next_cursor = await queries.plans(session, user, where, limit, cursor)
    return TrainingPlanPage(
        items=found, next_cursor=next_cursor, next=pages.link(request, response, next_cursor)
    )


@router.get("/training-plans/{plan_id}", summary="Read a training plan (R24, R25)")
async def read_plan(
    plan_id: UUID, session: Session, user: CurrentUser = admits(*READERS)
) -> TrainingPlanRead:
    """One training plan with its workers and its backfill cost so far."""
    return await queries.plan_read(session, await queries.load_plan(session, user, plan_id))


@router.post("/training-plans/{plan_id}/agreement", summary="Agree a training plan (R24, R25)")
async def agree_plan(
    plan_id: UUID,
    body: TrainingPlanContent,
    session: Session,
    user: CurrentUser = admits(Role.PROVIDER_MANAGER),
) -> TrainingPlanRead:
    """The provider agrees the plan with every R24 and R25 item; it is in force once the
    accountable practitioner agrees it too."""
    plan = await handlers.agree_plan(session, user, plan_id, body)
    await session.commit()
    return await queries.plan_read(session, plan)


@router.post(
    "/training-plans/{plan_id}/practitioner-agreement",
    summary="The accountable practitioner agrees a training plan (R24)",
)
async def agree_as_practitioner(
    plan_id: UUID, session: Session, user: CurrentUser = admits(Role.REGISTERED_PRACTITIONER)
) -> TrainingPlanRead:
    """A registered practitioner of the NHS organisation that proposed the task or keeps its
    oversight agrees the provider's plan: it is in force; TrainingPlanAgreed follows for each
    worker."""
    plan = await handlers.agree_as_practitioner(session, user, plan_id)
    await session.commit()
    return await queries.plan_read(session, plan)


@router.post(
    "/training-plans/{plan_id}/return",
    summary="The accountable practitioner returns a training plan to the provider (R24)",
)
async def return_plan(
    plan_id: UUID,
    body: PlanReturn,
    session: Session,
    user: CurrentUser = admits(Role.REGISTERED_PRACTITIONER),
) -> TrainingPlanRead:
    """The accountable practitioner does not agree the plan as written and says why; the
    provider agrees a revised plan."""
    plan = await handlers.return_plan(session, user, plan_id, body)
    await session.commit()
    return await queries.plan_read(session, plan)


@router.post(
    "/training-plans/{plan_id}/releases",
    status_code=status.HTTP_201_CREATED,
    summary="Record release for training and its backfill cost (R25)",
)
async def record_release(
    plan_id: UUID,
    body: ReleaseCreate,
    session: Session,
    user: CurrentUser = admits(Role.PROVIDER_MANAGER),
) -> ReleaseRead:
    """Minutes a worker was released for training, costed at the plan's hourly rate."""
    release = await handlers.record_release(session, user, plan_id, body)
    await session.commit()
    return ReleaseRead.model_validate(release)
