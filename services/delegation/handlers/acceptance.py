"""The provider accepts or declines (R15); a delegation can be ended with a reason."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import gates as rules
from services.delegation.handlers.common import delegation_for_update, today
from services.delegation.handlers.lifecycle import go_live_if_ready
from services.delegation.models import Delegation, DelegationStatus
from services.delegation.schemas import AcceptanceCreate
from shared.audit import audit
from shared.auth import CurrentUser
from shared.errors import Conflict
from shared.events.delegation import DelegationAccepted, DelegationDeclined, DelegationEnded
from shared.outbox import publish


def _awaiting_provider(delegation: Delegation) -> None:
    if delegation.status != DelegationStatus.AWAITING_ACCEPTANCE:
        raise Conflict(
            f"delegation {delegation.id} is {delegation.status}: the provider has answered",
            existing=f"/delegations/{delegation.id}",
        )


async def accept(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, body: AcceptanceCreate
) -> Delegation:
    """R13, R15: the accepting organisation names its workers and becomes accountable."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    _awaiting_provider(delegation)
    rules.check_acceptance(
        body.worker_ids,
        body.training_confirmed,
        body.supervision_confirmed,
        body.insurance_and_indemnity_confirmed,
    )
    on = today(session)
    delegation.worker_ids = [str(w) for w in dict.fromkeys(body.worker_ids)]
    delegation.accepted_on, delegation.status = on, DelegationStatus.AWAITING_GATES
    await publish(
        session,
        DelegationAccepted(
            person_id=delegation.person_id,
            delegation_id=delegation.id,
            task_code=delegation.task_code,
            provider_organisation=delegation.provider_organisation,
            worker_ids=[UUID(w) for w in delegation.worker_ids],
            accepted_on=on,
        ),
    )
    await audit(session, actor, "delegation.accept", delegation.id, "training, supervision, cover")
    await go_live_if_ready(session, delegation, actor)
    return delegation


async def decline(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, reason: str
) -> Delegation:
    """R15: a provider may decline a task it cannot deliver safely."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    _awaiting_provider(delegation)
    delegation.status, delegation.declined_reason = DelegationStatus.DECLINED, reason
    await publish(
        session,
        DelegationDeclined(
            person_id=delegation.person_id,
            delegation_id=delegation.id,
            provider_organisation=delegation.provider_organisation,
            reason=reason,
            declined_on=today(session),
        ),
    )
    await audit(session, actor, "delegation.decline", delegation.id, reason)
    return delegation


async def end(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, reason: str
) -> Delegation:
    """A delegation is ended with a reason; ending twice has no second effect (409)."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    await end_delegation(session, actor, delegation, reason)
    return delegation


async def end_delegation(
    session: AsyncSession, actor: CurrentUser, delegation: Delegation, reason: str
) -> None:
    if delegation.status in (DelegationStatus.ENDED, DelegationStatus.DECLINED):
        raise Conflict(f"delegation {delegation.id} is already {delegation.status}")
    on = today(session)
    delegation.status, delegation.ended_on, delegation.end_reason = (
        DelegationStatus.ENDED,
        on,
        reason,
    )
    delegation.next_review_due = None
    await publish(
        session,
        DelegationEnded(
            person_id=delegation.person_id,
            delegation_id=delegation.id,
            task_code=delegation.task_code,
            reason=reason,
            effective_date=on,
        ),
    )
    await audit(session, actor, "delegation.end", delegation.id, reason)
