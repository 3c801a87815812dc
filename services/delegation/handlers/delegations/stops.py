"""Clinical suspension and its lifting by the oversight owner (R17, R18), handing back
with notice (R18)."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import delegations as rules
from services.delegation.domain.delegations import DelegationState
from services.delegation.handlers import handbacks, record
from services.delegation.handlers.delegations.going_live import gate_reason
from services.delegation.handlers.delegations.loading import (
    delegation_for_update,
    facts_of,
    stopped,
)
from services.delegation.models import Delegation
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import today
from shared.events.delegation import HandbackClosure, StopReason


async def suspend_clinically(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, reason: str
) -> Delegation:
    """R17, R18: the oversight owner's practitioner stops the task at once; it returns to them."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    facts, on = facts_of(delegation), today(session)
    transition = rules.suspend_clinically(facts, actor.organisation, reason)
    delegation.clinical_suspension_reason = reason
    delegation.clinically_suspended_by, delegation.clinically_suspended_on = actor.user_id, on
    await record(session, delegation, transition)
    await audit(session, actor, "delegation.suspend_clinically", delegation.id, reason)
    await stopped(session, facts, StopReason.CLINICAL_SUSPENSION, on)
    return delegation


async def lift_clinical_suspension(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID
) -> Delegation:
    """R17: the oversight owner lifts its suspension; live again (handback closed) when every
    gate is green, else suspended for the red gate with the handback still open."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    reason, on = await gate_reason(session, delegation), today(session)
    transition = rules.lift(facts_of(delegation), actor.organisation, reason, on)
    delegation.suspension_reason = reason
    await record(session, delegation, transition)
    await audit(session, actor, "delegation.lift_clinical_suspension", delegation.id, reason)
    if transition.state is DelegationState.LIVE:
        await handbacks.close_for(session, delegation.id, HandbackClosure.RESUMED, on)
    return delegation


async def give_notice(
    session: AsyncSession, actor: CurrentUser, delegation_id: UUID, notice_date: date, reason: str
) -> Delegation:
    """R18: the provider hands the task back from the notice date; today's stops it at once."""
    delegation = await delegation_for_update(session, delegation_id, actor)
    on = today(session)
    transition = rules.give_notice(facts_of(delegation), notice_date, reason, on)
    delegation.handback_notice_on, delegation.handback_notice_reason = notice_date, reason
    await record(session, delegation, transition)
    await audit(
        session, actor, "delegation.handback_notice", delegation.id, f"{notice_date}: {reason}"
    )
    if notice_date <= on:
        await hand_back(session, delegation, on)
    return delegation


async def hand_back(session: AsyncSession, delegation: Delegation, on: date) -> None:
    """R18: on its notice date the task stops and returns to its owner."""
    facts = facts_of(delegation)
    await record(session, delegation, rules.hand_back(facts))
    delegation.next_review_due = None
    await audit(session, SYSTEM, "delegation.hand_back", delegation.id, str(on))
    await stopped(session, facts, StopReason.HANDED_BACK, on)


async def hand_back_on_notice(session: AsyncSession) -> int:
    """Scheduler job, R18: delegations whose notice date has come are handed back."""
    on = today(session)
    due = await session.scalars(
        select(Delegation)
        .where(Delegation.handback_notice_on <= on, Delegation.status.in_(rules.RUNNING))
        .order_by(Delegation.id)
        .with_for_update(skip_locked=True)
    )
    handed_back = 0
    for delegation in due.all():
        await hand_back(session, delegation, on)
        handed_back += 1
    return handed_back
