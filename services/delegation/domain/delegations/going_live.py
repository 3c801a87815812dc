"""Going live when every gate is green (R7, R13, R15-R17, R24), where the task sits
(R13, R19) and who oversees it (R17, A 5.13)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.delegation.domain import Transition
from services.delegation.domain.delegations.lifecycle import (
    LIFECYCLE,
    Delegation,
    DelegationCommand,
    DelegationState,
    Oversight,
)
from services.delegation.domain.gates import GateState, all_green
from shared.events.delegation import (
    OversightTransferred,
    TaskDelegated,
)
from shared.events.vocabulary import Direction, OversightKind

_C = DelegationCommand


@dataclass(frozen=True)
class Placement:
    """R13, R17: who is accountable and who oversees, fixed when the delegation goes live."""

    accountable_organisation: str
    local_authority: str
    oversight: Oversight


def go_live(
    delegation: Delegation, gates: list[GateState], placement: Placement, on: date
) -> Transition[DelegationState] | None:
    """R7, R13, R15-R17, R24: when every gate is green the delegation goes live; else not yet."""
    if not LIFECYCLE.allows(delegation.state, _C.GO_LIVE) or not all_green(gates):
        return None
    delegated = TaskDelegated(
        person_id=delegation.person_id,
        delegation_id=delegation.delegation_id,
        task_code=delegation.task_code,
        category=delegation.category,
        direction=delegation.direction,
        setting=delegation.setting,
        accountable_organisation=placement.accountable_organisation,
        provider_organisation=delegation.provider_organisation,
        local_authority=placement.local_authority,
        additional_minutes_per_week=delegation.additional_minutes_per_week,
        start_date=on,
        oversight_kind=placement.oversight.kind,
        oversight_owner=placement.oversight.owner,
        worker_ids=list(delegation.worker_ids),
        section_22_met=delegation.section_22_met,
        needs_specific_training=delegation.needs_specific_training,
        proposal_id=delegation.proposal_id,
    )
    return Transition(LIFECYCLE.next(delegation.state, _C.GO_LIVE), (delegated,))


def placement(
    direction: Direction,
    section_22_met: bool | None,
    local_authority: str,
    oversight: Oversight,
    icb_organisation: str,
) -> Placement:
    """R11, R13, R19: who is accountable for the task as `accountable_organisation` finds it;
    R17: oversight as `oversight_for` finds it."""
    return Placement(
        accountable_organisation(direction, section_22_met, icb_organisation, local_authority),
        local_authority,
        oversight,
    )


def accountable_organisation(
    direction: Direction, section_22_met: bool | None, icb: str, local_authority: str
) -> str:
    """R19: the organisation the cost of additional time is apportioned to (A 1.3: the one
    accountable for the task). The council for its own social care task delegated to Health,
    and for a health task it may lawfully meet as social care (R11: the s.22 test met); the ICB
    when the s.22 test failed, NHS-funded or a joint package alike, since the council may not meet
    that need (R11); the ICB too for a health task with no test on record (never the council by
    default)."""
    if direction is Direction.SOCIAL_TO_HEALTH or section_22_met is True:
        return local_authority
    return icb


def oversight_for(
    open_to_chs: bool,
    gp_practice: str,
    chs_organisation: str,
    needs_specific_training: bool = True,
) -> Oversight:
    """R17: Community Health Services while the person is open to them, else the GP practice;
    the GP practice always for a task that needs no specific training (A 5.13)."""
    if open_to_chs and needs_specific_training:
        return Oversight(OversightKind.COMMUNITY_HEALTH_SERVICES, chs_organisation)
    return Oversight(OversightKind.PRIMARY_CARE, gp_practice)


def transfer_oversight(
    delegation: Delegation, to: Oversight, on: date
) -> OversightTransferred | None:
    """R17: oversight follows the person's CHS status; None when it already sits there."""
    current = delegation.oversight
    if current == to:
        return None
    return OversightTransferred(
        person_id=delegation.person_id,
        delegation_id=delegation.delegation_id,
        from_kind=current.kind if current else to.kind,
        from_owner=current.owner if current else "",
        to_kind=to.kind,
        to_owner=to.owner,
        effective_date=on,
    )
