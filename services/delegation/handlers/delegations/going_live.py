"""Going live when every gate is green (R7, R13, R15-R17, R24), reassessing when a
gate's facts change (suspension and resumption, R7, R16) and oversight following the person
(R17)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.domain import delegations as rules
from services.delegation.domain.delegations import DelegationState
from services.delegation.domain.gates import ready_workers
from services.delegation.domain.reviews import regular_review_due
from services.delegation.handlers import handbacks, record
from services.delegation.handlers.delegations.loading import (
    facts_of,
    stopped,
)
from services.delegation.handlers.gates import gate_states, readiness
from services.delegation.models import Delegation, Person
from services.delegation.queries.handbacks import unclosed_for
from services.delegation.settings import Settings
from shared.audit import audit
from shared.auth import SYSTEM, CurrentUser
from shared.db import today
from shared.events.delegation import HandbackClosure, SuspensionReason
from shared.events.vocabulary import Direction
from shared.outbox import publish


async def go_live_if_ready(
    session: AsyncSession, delegation: Delegation, actor: CurrentUser = SYSTEM
) -> bool:
    """R7, R13, R15-R17, R24: when every gate is green the delegation goes live."""
    if not rules.LIFECYCLE.allows(DelegationState(delegation.status), rules.GO_LIVE):
        return False
    gates = await gate_states(session, delegation)
    person = await session.get(Person, delegation.person_id)
    if person is None:  # the oversight gate is red until the person is known
        return False
    start, placement = today(session), placement_of(Settings.of(session), delegation, person)
    transition = rules.go_live(facts_of(delegation), gates, placement, start)
    if transition is None:
        return False
    delegation.accountable_organisation = placement.accountable_organisation
    delegation.local_authority = placement.local_authority
    delegation.oversight_kind = placement.oversight.kind
    delegation.oversight_owner = placement.oversight.owner
    delegation.start_date, delegation.next_review_due = start, regular_review_due(start, 0)
    await record(session, delegation, transition)
    await audit(session, actor, "delegation.live", delegation.id, "every gate is green")
    await handbacks.close_redelegated(session, delegation, start)
    return True


def placement_of(settings: Settings, delegation: Delegation, person: Person) -> rules.Placement:
    oversight = rules.oversight_for(
        person.open_to_chs,
        person.gp_practice,
        settings.chs_organisation,
        delegation.needs_specific_training,
    )
    return rules.placement(
        Direction(delegation.direction),
        delegation.section_22_met,
        person.local_authority,
        oversight,
        settings.icb_organisation,
    )


async def reassess(session: AsyncSession, delegation: Delegation) -> None:
    """After a gate's facts change: go live, suspend (R7, R16) or resume."""
    state = DelegationState(delegation.status)
    if state is DelegationState.AWAITING_GATES:
        await go_live_if_ready(session, delegation)
        return
    if state not in rules.RUNNING:
        return
    reason = await gate_reason(session, delegation)
    if delegation.suspension_reason != reason:
        delegation.suspension_reason = reason
    facts, on = facts_of(delegation), today(session)
    transition = rules.reassess(facts, reason, on)
    if transition is None:
        return
    await record(session, delegation, transition)
    if reason is not None:
        await audit(session, SYSTEM, "delegation.suspend", delegation.id, reason)
        await stopped(session, facts, rules.stop_reason(reason), on)
    else:
        await audit(session, SYSTEM, "delegation.resume", delegation.id, "its gates are green")
        await handbacks.close_for(session, delegation.id, HandbackClosure.RESUMED, on)


async def gate_reason(session: AsyncSession, delegation: Delegation) -> SuspensionReason | None:
    """R7, R16: what stops the delegation today, from its gates' facts."""
    facts = await readiness(session, delegation)
    return rules.suspension_reason(facts.consent, len(ready_workers(facts)))


async def reassess_all(session: AsyncSession, delegations: Sequence[Delegation]) -> None:
    for delegation in delegations:
        await reassess(session, delegation)


async def transfer_oversight(
    session: AsyncSession, delegation: Delegation, to: rules.Oversight, on: date
) -> None:
    """R17: oversight follows the person's CHS status."""
    transferred = rules.transfer_oversight(facts_of(delegation), to, on)
    if transferred is None:
        return
    await publish(session, transferred)
    delegation.oversight_kind, delegation.oversight_owner = to.kind, to.owner
    await audit(session, SYSTEM, "delegation.oversight_transfer", delegation.id, to.owner)
    # R18, R17: a handback still open is the new owner's to acknowledge (and on its worklist)
    handback = await unclosed_for(session, delegation.id)
    if handback is not None and handback.oversight_owner != to.owner:
        handback.oversight_kind, handback.oversight_owner = to.kind, to.owner
        await audit(session, SYSTEM, "handback.readdress", handback.id, to.owner)
