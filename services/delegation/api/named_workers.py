"""The provider changes the named workers of a delegation it carries (R16, R24): add, replace,
remove; the delegation stays live while a competent worker remains."""

from uuid import UUID

from fastapi import APIRouter

from services.delegation.api.delegations import read
from services.delegation.handlers.delegations import workers as handlers
from services.delegation.schemas.delegations import DelegationRead
from services.delegation.schemas.named_workers import NamedWorkerCreate
from shared.auth import CurrentUser, Role, admits
from shared.web import Session

router = APIRouter(tags=["delegations"])


@router.post(
    "/delegations/{delegation_id}/workers",
    summary="The provider names another worker, or replaces one (R16, R24)",
)
async def add_worker(
    delegation_id: UUID,
    body: NamedWorkerCreate,
    session: Session,
    user: CurrentUser = admits(Role.PROVIDER_MANAGER),
) -> DelegationRead:
    """Only on a running delegation of the caller's organisation, and only its own working
    staff. The new worker carries the task out once competent and in date and on the training
    plan (until then delivery records for them are refused, R16); naming them twice has no
    second effect. `replaces` takes that worker off in the same step."""
    delegation = await handlers.change_workers(
        session, user, delegation_id, body.worker_id, body.replaces
    )
    await session.commit()
    return await read(session, delegation)


@router.delete(
    "/delegations/{delegation_id}/workers/{worker_id}",
    summary="The provider takes a named worker off the task (R16)",
)
async def remove_worker(
    delegation_id: UUID,
    worker_id: UUID,
    session: Session,
    user: CurrentUser = admits(Role.PROVIDER_MANAGER),
) -> DelegationRead:
    """The others carry on; with nobody competent left the delegation suspends and the task is
    handed back (R18). A worker not named (or taken off already) is a 422 naming R16."""
    delegation = await handlers.change_workers(session, user, delegation_id, None, worker_id)
    await session.commit()
    return await read(session, delegation)
