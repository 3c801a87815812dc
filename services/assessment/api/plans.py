"""Routes for consent (R7) and support plan versions."""

from uuid import UUID

from fastapi import APIRouter, Response, status

from services.assessment import queries
from services.assessment.api.roles import ASSESSORS, READERS
from services.assessment.handlers import plans as handlers
from services.assessment.schemas.plans import (
    ConsentCreate,
    ConsentRead,
    ConsentWithdrawal,
    SupportPlanCreate,
    SupportPlanRead,
)
from shared.auth import CurrentUser, admits
from shared.web import IdempotencyKey, Session, answer_replay, replayed

router = APIRouter(tags=["consent and support plans"])


@router.post(
    "/people/{person_id}/consents",
    status_code=status.HTTP_201_CREATED,
    summary="Record consent to a delegated task (R7)",
)
async def record_consent(
    person_id: UUID, body: ConsentCreate, session: Session, user: CurrentUser = admits(*ASSESSORS)
) -> ConsentRead:
    """Consent by the person or a lawful representative, recorded on the support plan."""
    consent = await handlers.record_consent(session, user, person_id, body)
    await session.commit()
    return ConsentRead.model_validate(consent)


@router.get("/people/{person_id}/consents", summary="The person's consent history (R7)")
async def list_consents(
    person_id: UUID, session: Session, user: CurrentUser = admits(*READERS)
) -> list[ConsentRead]:
    """Every consent ever recorded, withdrawn ones included: history is never erased."""
    return [ConsentRead.model_validate(c) for c in await queries.consents(session, user, person_id)]


@router.get("/people/{person_id}/consents/{consent_id}", summary="Read a consent (R7)")
async def read_consent(
    person_id: UUID, consent_id: UUID, session: Session, user: CurrentUser = admits(*READERS)
) -> ConsentRead:
    """One consent and, if withdrawn, its withdrawal."""
    return ConsentRead.model_validate(await queries.consent(session, user, person_id, consent_id))


@router.post(
    "/people/{person_id}/consents/{consent_id}/withdrawal",
    summary="Withdraw consent (R7)",
)
async def withdraw_consent(
    person_id: UUID,
    consent_id: UUID,
    body: ConsentWithdrawal,
    session: Session,
    user: CurrentUser = admits(*ASSESSORS),
) -> ConsentRead:
    """Withdrawal stops the delegation; the consent stays on record beside its withdrawal."""
    consent = await handlers.withdraw_consent(session, user, person_id, consent_id, body)
    await session.commit()
    return ConsentRead.model_validate(consent)


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
    person_id: UUID, session: Session, user: CurrentUser = admits(*READERS)
) -> SupportPlanRead:
    """The latest version of the person's support plan."""
    return SupportPlanRead.model_validate(await queries.current_plan(session, user, person_id))


@router.get("/people/{person_id}/support-plan/versions", summary="Every support plan version")
async def list_support_plan_versions(
    person_id: UUID, session: Session, user: CurrentUser = admits(*READERS)
) -> list[SupportPlanRead]:
    """All versions, oldest first: none is ever overwritten."""
    return [
        SupportPlanRead.model_validate(v)
        for v in await queries.plan_versions(session, user, person_id)
    ]
