"""Delegations: provider acceptance (R15), what each waits for, clinical suspension, handing
back with notice (R18), workers leaving (R16), ending."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain.delegations import DelegationState
from services.delegation.domain.reasons import decline_wording, end_wording
from services.delegation.handlers import delegations, gates
from services.delegation.models import Delegation
from services.delegation.queries import delegations as queries
from services.delegation.queries import delivery
from services.delegation.schemas.delegations import (
    AcceptanceCreate,
    AccountablePractitioner,
    ClinicalSuspensionCreate,
    DeclineCreate,
    DelegationPage,
    DelegationRead,
    EndCreate,
    GateRead,
    HandbackNoticeCreate,
    WorkerRead,
)
from shared import pages
from shared.access import BreakGlass
from shared.auth import CurrentUser, Role, admits
from shared.events.delegation import DeclineReason, EndReason
from shared.web import Session

router = APIRouter(tags=["delegations"])
# A person's records: never for the report roles (IPCB members, auditors read GET /audit).
READERS = (
    Role.REGISTERED_PRACTITIONER,
    Role.MDT_MEMBER,
    Role.PROVIDER_MANAGER,
    Role.COMMISSIONER,
)


async def read(session: AsyncSession, delegation: Delegation) -> DelegationRead:
    """The delegation with each gate and its state (R7, R15-R17, R24), and its workers' (R16)."""
    waiting = await gates.gate_states(session, delegation)
    workers = await gates.worker_standings(session, delegation)
    data = {
        f: getattr(delegation, f) for f in DelegationRead.model_fields if hasattr(delegation, f)
    }
    data["accountable_practitioner"] = AccountablePractitioner.model_validate(delegation)
    data["waiting_for"] = [GateRead.model_validate(g) for g in waiting]
    data["workers"] = [WorkerRead.model_validate(w) for w in workers]
    data |= reasons(delegation)
    data["conditions"] = await delivery.conditions(session, delegation)
    return DelegationRead.model_validate(data)


def reasons(delegation: Delegation) -> dict[str, str | None]:
    """The ender's and the provider's own words, else the wording of their code."""
    ended, declined = delegation.end_reason_code, delegation.declined_reason_code
    end_words = end_wording(EndReason(ended)) if ended else None
    decline_words = decline_wording(DeclineReason(declined)) if declined else None
    return {
        "end_reason": delegation.end_reason or end_words,
        "declined_reason": delegation.declined_reason or decline_words,
    }


@router.get("/delegations", summary="Delegations, by organisation, person, state, task or party")
async def list_delegations(
    request: Request,
    response: Response,
    session: Session,
    organisation: Annotated[str | None, Query(max_length=200)] = None,
    person_id: UUID | None = None,
    state: DelegationState | None = None,
    task_code: Annotated[str | None, Query(max_length=100)] = None,
    provider_organisation: Annotated[str | None, Query(max_length=200)] = None,
    oversight_owner: Annotated[str | None, Query(max_length=200)] = None,
    limit: pages.Limit = pages.DEFAULT_LIMIT,
    cursor: pages.Cursor = None,
    user: CurrentUser = admits(*READERS),
) -> DelegationPage:
    """Delegations of the people the caller's organisation has a legitimate relationship with
    (each read audited), oldest first, a page at a time; `organisation`: what it provides or is
    accountable for; provider managers see only those delegated to their organisation."""
    where = queries.DelegationFilter(
        organisation, person_id, state, task_code, provider_organisation, oversight_owner
    )
    found, next_cursor = await queries.delegations(session, user, where, limit, cursor)
    return DelegationPage(
        items=[await read(session, d) for d in found],
        next_cursor=next_cursor,
        next=pages.link(request, response, next_cursor),
    )


@router.get("/delegations/{delegation_id}", summary="A delegation and what it is waiting for")
async def get_delegation(
    delegation_id: UUID,
    session: Session,
    break_glass: BreakGlass = None,
    user: CurrentUser = admits(*READERS),
) -> DelegationRead:
    """The delegation, its accountable parties (R13, R18) and each readiness gate's state; only
    within a legitimate relationship with the person (or with the glass broken), audited."""
    return await read(session, await queries.delegation(session, user, delegation_id, break_glass))


@router.post(
    "/delegations/{delegation_id}/acceptance", summary="The provider accepts the task (R15)"
)
async def accept_delegation(
    delegation_id: UUID,
    body: AcceptanceCreate,
    session: Session,
    user: CurrentUser = admits(Role.PROVIDER_MANAGER),
) -> DelegationRead:
    """Name the workers and confirm training, supervision and insurance/indemnity."""
    delegation = await delegations.accept(session, user, delegation_id, body)
    await session.commit()
    return await read(session, delegation)


@router.post(
    "/delegations/{delegation_id}/decline",
    summary="The provider declines (R15); once it carries the task, it hands it back (R18)",
)
async def decline_delegation(
    delegation_id: UUID,
    body: DeclineCreate,
    session: Session,
    user: CurrentUser = admits(Role.PROVIDER_MANAGER),
) -> DelegationRead:
    """Decline a task the provider cannot deliver safely, with the reason's code (events carry
    only the code and its wording; the provider's own words stay here)."""
    delegation = await delegations.decline(session, user, delegation_id, body)
    await session.commit()
    return await read(session, delegation)


@router.post(
    "/delegations/{delegation_id}/end",
    summary="The MDT's organisations or the oversight owner end a delegation, with a reason",
)
async def end_delegation(
    delegation_id: UUID,
    body: EndCreate,
    session: Session,
    user: CurrentUser = admits(Role.MDT_MEMBER, Role.REGISTERED_PRACTITIONER),
) -> DelegationRead:
    """End the delegation with the reason's code; DelegationEnded tells funding, training and
    assessment the code and its wording (the words given stay here)."""
    delegation = await delegations.end(session, user, delegation_id, body)
    await session.commit()
    return await read(session, delegation)


@router.post(
    "/delegations/{delegation_id}/clinical-suspension",
    summary="The oversight owner suspends the task on clinical grounds (R17, R18)",
)
async def suspend_clinically(
    delegation_id: UUID,
    body: ClinicalSuspensionCreate,
    session: Session,
    user: CurrentUser = admits(Role.REGISTERED_PRACTITIONER),
) -> DelegationRead:
    """A practitioner of the oversight owner stops the task at once; a handback opens to them."""
    delegation = await delegations.suspend_clinically(session, user, delegation_id, body.reason)
    await session.commit()
    return await read(session, delegation)


@router.post(
    "/delegations/{delegation_id}/clinical-suspension/lift",
    summary="The oversight owner lifts its clinical suspension (R17)",
)
async def lift_clinical_suspension(
    delegation_id: UUID, session: Session, user: CurrentUser = admits(Role.REGISTERED_PRACTITIONER)
) -> DelegationRead:
    """Live again (handback closed) when every gate is green; else suspended for the red gate."""
    delegation = await delegations.lift_clinical_suspension(session, user, delegation_id)
    await session.commit()
    return await read(session, delegation)


@router.post(
    "/delegations/{delegation_id}/handback-notice",
    summary="The provider hands the task back from a notice date (R18)",
)
async def give_handback_notice(
    delegation_id: UUID,
    body: HandbackNoticeCreate,
    session: Session,
    user: CurrentUser = admits(Role.PROVIDER_MANAGER),
) -> DelegationRead:
    """The task carries on until the notice date, then stops and returns to its owner."""
    delegation = await delegations.give_notice(
        session, user, delegation_id, body.notice_date, body.reason
    )
    await session.commit()
    return await read(session, delegation)


@router.post(
    "/delegations/{delegation_id}/workers/{worker_id}/departure",
    summary="A named worker has left and may no longer do the task (R16)",
)
async def record_departure(
    delegation_id: UUID,
    worker_id: UUID,
    session: Session,
    user: CurrentUser = admits(Role.PROVIDER_MANAGER),
) -> DelegationRead:
    """With no competent worker left the delegation suspends and the task is handed back."""
    delegation = await delegations.record_departure(session, user, delegation_id, worker_id)
    await session.commit()
    return await read(session, delegation)
