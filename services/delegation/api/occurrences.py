"""Ad hoc occurrences of a delegated task and the IPCB's regular-use policy (R23)."""

from uuid import UUID

from fastapi import APIRouter, Response, status

from services.delegation.handlers import occurrences
from services.delegation.queries import occurrences as queries
from services.delegation.schemas.occurrences import (
    OccurrenceCreate,
    OccurrenceRead,
    RegularUsePolicyRead,
    RegularUsePolicyUpdate,
)
from shared.auth import CurrentUser, Role, admits
from shared.web import IdempotencyKey, Session, answer_replay, replayed

router = APIRouter()
READERS = (
    Role.REGISTERED_PRACTITIONER,
    Role.MDT_MEMBER,
    Role.PROVIDER_MANAGER,
    Role.COMMISSIONER,
    Role.AUDITOR,
)


@router.post(
    "/delegations/{delegation_id}/occurrences",
    tags=["delegations"],
    status_code=status.HTTP_201_CREATED,
    responses=replayed(OccurrenceRead),
    summary="Record an ad hoc occurrence of the task (R23)",
)
async def record_occurrence(
    delegation_id: UUID,
    body: OccurrenceCreate,
    response: Response,
    session: Session,
    idempotency_key: IdempotencyKey = None,
    user: CurrentUser = admits(
        Role.PROVIDER_MANAGER, Role.CARE_WORKER, Role.REGISTERED_PRACTITIONER
    ),
) -> OccurrenceRead:
    """Record an ad hoc occurrence: the provider's staff, or a practitioner of the MDT's
    organisations or the oversight owner; when they become regular the care plan is
    re-evaluated."""
    occurrence, created, flagged = await occurrences.record_occurrence(
        session, user, delegation_id, body, idempotency_key
    )
    await session.commit()
    answer_replay(response, created)
    return OccurrenceRead(
        id=occurrence.id,
        delegation_id=occurrence.delegation_id,
        occurred_on=occurrence.occurred_on,
        care_plan_reevaluation_flagged=flagged,
    )


@router.get(
    "/policies/regular-use",
    tags=["reviews"],
    summary="When ad hoc occurrences become regular (R23)",
)
async def regular_use_policy(
    session: Session, user: CurrentUser = admits(*READERS, Role.IPCB_MEMBER)
) -> RegularUsePolicyRead:
    """The IPCB's threshold: this many occurrences within this many days are regular."""
    return RegularUsePolicyRead.model_validate(await queries.regular_use_policy(session))


@router.put(
    "/policies/regular-use",
    tags=["reviews"],
    summary="Set when ad hoc occurrences become regular (R23)",
)
async def set_regular_use_policy(
    body: RegularUsePolicyUpdate, session: Session, user: CurrentUser = admits(Role.IPCB_MEMBER)
) -> RegularUsePolicyRead:
    """IPCB members of a board organisation only: a configurable value of the Framework is
    governed data, not code."""
    policy = await occurrences.set_regular_use_policy(session, user, body)
    await session.commit()
    return RegularUsePolicyRead.model_validate(policy)
