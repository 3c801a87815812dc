"""Routes for support plan versions."""

from datetime import date
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response, status

from services.assessment.api.roles import ASSESSORS, READERS
from services.assessment.handlers import plans as handlers
from services.assessment.queries import plans as queries
from services.assessment.schemas.plans import (
    SupportPlanCreate,
    SupportPlanPage,
    SupportPlanRead,
)
from shared import pages
from shared.access import BreakGlass
from shared.auth import CurrentUser, admits
from shared.web import IdempotencyKey, Session, answer_replay, replayed

router = APIRouter(tags=["support plans"])


@router.post(
    "/people/{person_id}/support-plan/versions",
    status_code=status.HTTP_201_CREATED,
    responses=replayed(SupportPlanRead),
    summary="Make a new version of the support plan",
)
async def version_support_plan(
    person_id: UUID,
    body: SupportPlanCreate,
    session: Session,
    response: Response,
    idempotency_key: IdempotencyKey = None,
    user: CurrentUser = admits(*ASSESSORS),
) -> SupportPlanRead:
    """Commissioned visits and provider; tasks and consents carry forward. A repeated key is 200."""
    version, created = await handlers.version_support_plan(
        session, user, person_id, body, idempotency_key
    )
    await session.commit()
    answer_replay(response, created)
    return SupportPlanRead.model_validate(version)


@router.get("/people/{person_id}/support-plan", summary="The current support plan")
async def read_support_plan(
    person_id: UUID,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
) -> SupportPlanRead:
    """The latest version of the person's support plan."""
    found = await queries.current_plan(session, user, person_id, break_glass)
    return SupportPlanRead.model_validate(found)


@router.get("/people/{person_id}/support-plan/versions", summary="Every support plan version")
async def list_support_plan_versions(
    person_id: UUID,
    request: Request,
    response: Response,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
    provider_organisation: Annotated[str | None, Query(max_length=200)] = None,
    effective_from: date | None = None,
    effective_to: date | None = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
) -> SupportPlanPage:
    """All versions, oldest first, a page at a time: none is ever overwritten. By provider, or
    in effect from a day between `effective_from` and `effective_to`."""
    where = queries.PlanVersionFilter(provider_organisation, effective_from, effective_to)
    found, next_cursor = await queries.plan_versions(
        session, user, person_id, where, limit, cursor, break_glass
    )
    return SupportPlanPage(
        items=[SupportPlanRead.model_validate(v) for v in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )
