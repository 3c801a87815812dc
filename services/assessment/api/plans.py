"""Routes for support plan versions."""

from uuid import UUID

from fastapi import APIRouter, Response, status

from services.assessment.api.roles import ASSESSORS, READERS
from services.assessment.handlers import plans as handlers
from services.assessment.queries import plans as queries
from services.assessment.schemas.plans import SupportPlanCreate, SupportPlanRead
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
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
) -> list[SupportPlanRead]:
    """All versions, oldest first: none is ever overwritten."""
    found = await queries.plan_versions(session, user, person_id, break_glass)
    return [SupportPlanRead.model_validate(v) for v in found]
