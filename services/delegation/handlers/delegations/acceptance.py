"""Provider acceptance (R13, R15), declining (R15, R18) and the end of a delegation."""

from __future__ import annotations

from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import delegations as rules
from services.delegation.domain.parties import check_decider
from services.delegation.domain.reasons import coded
from services.delegation.handlers import handbacks, record
from services.delegation.handlers.delegations.going_live import go_live_if_ready
from services.delegation.handlers.delegations.loading import (
    delegation_for_update,
    facts_of,
    name_workers,
    stopped,
)
from services.delegation.models import Delegation
from services.delegation.schemas.delegations import AcceptanceCreate, DeclineCreate, EndCreate
from shared.audit import audit
from shared.auth import CurrentUser
from shared.db import today
from shared.events.delegation import DeclineReason, EndReason, StopReason


async def accept(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, body: AcceptanceCreate
) -> Delegation:
    """R13, R15: the accepting organisation names its workers and becomes accountable."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    acceptance = rules.Acceptance(
        tuple(body.worker_ids),
        body.training_confirmed,
        body.supervision_confirmed,
        body.insurance_and_indemnity_confirmed,
    )
    on = today(session)
    transition = rules.accept(facts_of(delegation), acceptance, on)
    await name_workers(session, delegation, [str(w) for w in dict.fromkeys(body.worker_ids)])
    delegation.accepted_on = on
    await record(session, delegation, transition)
    await audit(session, actor, "delegation.accept", delegation.id, "training, supervision, cover")
    await go_live_if_ready(session, delegation, actor)
    return delegation


async def decline(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, body: DeclineCreate
) -> Delegation:
    """R15: a provider may decline a task it cannot deliver safely; R18: once it carries it,
    the task returns to its owner. The reason is coded; the provider's words stay here."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    code, words = coded(body.reason_code, body.detail, DeclineReason.OTHER)
    facts, on = facts_of(delegation), today(session)
    transition = rules.decline(facts, code, on)
    delegation.declined_reason, delegation.declined_reason_code = words, code
    await record(session, delegation, transition)
    await audit(session, actor, "delegation.decline", delegation.id, code)
    await stopped(session, facts, StopReason.DECLINED_AFTER_ACCEPTANCE, on)
    return delegation


async def end(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, body: EndCreate
) -> Delegation:
    """The MDT's organisations or the oversight owner end a delegation with a coded reason;
    ending twice has no second effect (409)."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    facts = facts_of(delegation)
    owner = facts.oversight.owner if facts.oversight else None
    check_decider(actor.organisation, facts.mdt_organisations, owner, "end a delegation")
    code, words = coded(body.reason_code, body.detail, EndReason.OTHER)
    await end_delegation(session, actor, delegation, code, words)
    return delegation


async def end_delegation(
    session: AsyncSession,
    actor: CurrentUser,
    delegation: Delegation,
    reason: EndReason,
    words: str | None = None,
) -> None:
    """Ends a loaded delegation: from the end route and from a review's outcome (R26). A running
    task returns to its owner (R18); the handback closes once its funding settles (R20)."""
    on, facts = today(session), facts_of(delegation)
    transition = rules.end(facts, reason, on)
    delegation.ended_on, delegation.next_review_due = on, None
    delegation.end_reason, delegation.end_reason_code = words, reason
    await record(session, delegation, transition)
    await audit(session, actor, "delegation.end", delegation.id, reason)
    await stopped(session, facts, StopReason.ENDED, on)
    await session.flush()
    await handbacks.close_if_ended_and_settled(session, delegation.id)
