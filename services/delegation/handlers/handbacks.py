"""Handbacks (R18, R20): opened with every stop, acknowledged by the owner, raised when overdue,
closed when the task resumes, is delegated again, or ends and its funding settles."""

from __future__ import annotations

import uuid
from datetime import date

from prometheus_client import Gauge
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import Transition
from services.delegation.domain import handbacks as rules
from services.delegation.domain.delegations import Delegation as DelegationFacts
from services.delegation.domain.delegations import DelegationState
from services.delegation.domain.handbacks import UNCLOSED, HandbackState
from services.delegation.handlers import record
from services.delegation.models import Delegation, FundingSettlement, Handback, HandbackPolicy
from services.delegation.queries import handbacks as queries
from services.delegation.schemas.handbacks import AcknowledgementCreate, HandbackPolicyUpdate
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import now, today
from shared.errors import NotFound
from shared.events.delegation import HandbackClosure, StopReason
from shared.events.funding import WithoutPrejudiceSettled
from shared.organisations import require_board_member

OVERDUE_HANDBACKS = Gauge(
    "llr_delegation_handbacks_overdue",
    "R18: handbacks not acknowledged by the day the IPCB's time allows",
)


def facts_of(handback: Handback) -> rules.Handback:
    return rules.Handback(
        handback_id=handback.id,
        delegation_id=handback.delegation_id,
        person_id=handback.person_id,
        oversight_owner=handback.oversight_owner,
        state=HandbackState(handback.status),
        acknowledge_by=handback.acknowledge_by,
        overdue_flagged=handback.overdue_flagged_on is not None,
    )


async def open_for(
    session: AsyncSession, delegation: DelegationFacts, reason: StopReason, on: date
) -> Handback | None:
    """R18, R20: the stop returns the task to its owner in the stop's own transaction; while a
    handback is open the task is already with its owner, so no second one opens."""
    if await queries.unclosed_for(session, delegation.delegation_id) is not None:
        return None
    policy = await queries.handback_policy(session)
    opened = rules.open_handback(
        delegation, uuid.uuid4(), reason, on, policy.acknowledge_within_days
    )
    handback = Handback(
        id=opened.handback_id,
        delegation_id=opened.delegation_id,
        person_id=opened.person_id,
        task_code=opened.task_code,
        direction=opened.direction,
        oversight_kind=opened.oversight_kind,
        oversight_owner=opened.oversight_owner,
        provider_organisation=opened.provider_organisation,
        reason=opened.reason,
        stopped_on=opened.stopped_on,
        acknowledge_by=opened.acknowledge_by,
        status=HandbackState.OPEN,
        created_at=now(session),
    )
    session.add(handback)
    await record(session, handback, Transition(HandbackState.OPEN, (opened,)))
    await audit(
        session, SYSTEM, "handback.open", handback.id, f"{reason}: {opened.oversight_owner}"
    )
    await session.flush()  # a second stop in this transaction must find it
    return handback


async def close_for(
    session: AsyncSession, delegation_id: uuid.UUID, closure: HandbackClosure, on: date
) -> None:
    """The delegation's unclosed handback, if any, closes (R18, R20)."""
    handback = await queries.unclosed_for(session, delegation_id)
    if handback is None:
        return
    await record(session, handback, rules.close(facts_of(handback), closure, on))
    handback.closure, handback.closed_on = closure, on
    await audit(session, SYSTEM, "handback.close", handback.id, closure)


async def close_redelegated(session: AsyncSession, delegation: Delegation, on: date) -> None:
    """R18: the same task delegated again for the person takes back what was handed back."""
    others = await session.scalars(
        select(Handback.delegation_id)
        .where(
            Handback.person_id == delegation.person_id,
            Handback.task_code == delegation.task_code,
            Handback.delegation_id != delegation.id,
            Handback.status.in_(UNCLOSED),
        )
        .order_by(Handback.delegation_id)
    )
    for delegation_id in others.all():
        await close_for(session, delegation_id, HandbackClosure.REDELEGATED, on)


async def close_if_ended_and_settled(session: AsyncSession, delegation_id: uuid.UUID) -> None:
    """R18, R20: a finished task's acknowledged handback closes once its funding has settled."""
    handback = await queries.unclosed_for(session, delegation_id)
    delegation = await session.get(Delegation, delegation_id)
    if handback is None or delegation is None:
        return
    settled = await session.get(FundingSettlement, delegation_id) is not None
    state = DelegationState(delegation.status)
    if rules.closes_as_ended(HandbackState(handback.status), state, settled):
        await close_for(session, delegation_id, HandbackClosure.ENDED, today(session))


async def acknowledge(
    session: AsyncSession, actor: CurrentUser, handback_id: uuid.UUID, body: AcknowledgementCreate
) -> Handback:
    """R18: the owner's organisation takes the task back and names the cover, once."""
    handback = await session.scalar(
        select(Handback).where(Handback.id == handback_id).with_for_update()
    )
    if handback is None or not queries.visible_to(actor, handback):
        raise NotFound(f"no handback {handback_id}")
    on = today(session)
    transition = rules.acknowledge(facts_of(handback), actor.organisation, body.cover, on)
    handback.acknowledged_on, handback.acknowledged_by = on, actor.user_id
    handback.cover = body.cover
    await record(session, handback, transition)
    await audit(session, actor, "handback.acknowledge", handback.id, body.notes or body.cover)
    await session.flush()
    await close_if_ended_and_settled(session, handback.delegation_id)
    return handback


async def raise_overdue_handbacks(session: AsyncSession) -> int:
    """Scheduler job, R18: each handback not acknowledged in time is raised once."""
    on = today(session)
    due = await session.scalars(
        select(Handback)
        .where(
            Handback.status == HandbackState.OPEN,
            Handback.acknowledge_by < on,
            Handback.overdue_flagged_on.is_(None),
        )
        .order_by(Handback.id)
        .with_for_update(skip_locked=True)
    )
    raised = 0
    for handback in due.all():
        transition = rules.flag_overdue(facts_of(handback), on)
        if transition is None:
            continue
        handback.overdue_flagged_on = on
        await record(session, handback, transition)
        await audit(session, SYSTEM, "handback.overdue", handback.id, handback.oversight_owner)
        raised += 1
    OVERDUE_HANDBACKS.set(await queries.overdue_count(session, on))
    return raised


async def on_without_prejudice_settled(
    session: AsyncSession, event: WithoutPrejudiceSettled
) -> None:
    """R20: the funding decision has settled who pays: an ended task's handback may close."""
    await session.merge(
        FundingSettlement(delegation_id=event.delegation_id, decided_on=event.decided_on)
    )
    await audit(session, SYSTEM, "funding.settled", event.delegation_id, str(event.decided_on))
    await session.flush()
    await close_if_ended_and_settled(session, event.delegation_id)


async def set_handback_policy(
    session: AsyncSession, actor: CurrentUser, body: HandbackPolicyUpdate
) -> HandbackPolicy:
    """R18: the IPCB decides how long an owner has to acknowledge a handback: its members of a
    board organisation."""
    await require_board_member(session, actor)
    policy = await session.get_one(HandbackPolicy, 1, with_for_update=True)
    policy.acknowledge_within_days = body.acknowledge_within_days
    policy.updated_at, policy.updated_by = now(session), actor.user_id
    await audit(
        session,
        actor,
        "handback_policy.set",
        "handback_policy",
        f"acknowledge within {body.acknowledge_within_days} days",
    )
    return policy
