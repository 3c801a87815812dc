"""Provider acceptance (R13, R15) and declining (R15, R18)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from services.delegation.domain import Transition
from services.delegation.domain.delegations.lifecycle import (
    LIFECYCLE,
    Delegation,
    DelegationCommand,
    DelegationState,
)
from services.delegation.domain.reasons import decline_wording
from shared.errors import RuleViolation
from shared.events.delegation import (
    DeclineReason,
    DelegationAccepted,
    DelegationDeclined,
)

_C = DelegationCommand


@dataclass(frozen=True)
class Acceptance:
    """R15: what the provider names and confirms."""

    worker_ids: tuple[UUID, ...]
    training: bool
    supervision: bool
    insurance: bool


def accept(delegation: Delegation, acceptance: Acceptance, on: date) -> Transition[DelegationState]:
    """R13, R15: the provider names its workers and becomes accountable for the task."""
    state = LIFECYCLE.next(delegation.state, _C.ACCEPT)
    check_acceptance(acceptance)
    accepted = DelegationAccepted(
        person_id=delegation.person_id,
        delegation_id=delegation.delegation_id,
        task_code=delegation.task_code,
        provider_organisation=delegation.provider_organisation,
        worker_ids=list(dict.fromkeys(acceptance.worker_ids)),
        accepted_on=on,
        needs_specific_training=delegation.needs_specific_training,
    )
    return Transition(state, (accepted,))


def check_acceptance(acceptance: Acceptance) -> None:
    """R15: a provider accepts only what it can deliver safely."""
    if not acceptance.worker_ids:
        raise RuleViolation("R15", "the provider must name the workers who will do the task")
    confirmations = (
        ("training", acceptance.training),
        ("supervision", acceptance.supervision),
        ("insurance and indemnity", acceptance.insurance),
    )
    if missing := [name for name, confirmed in confirmations if not confirmed]:
        raise RuleViolation("R15", f"the provider must confirm {', '.join(missing)}")


def decline(delegation: Delegation, reason: DeclineReason, on: date) -> Transition[DelegationState]:
    """R15: a provider may decline a task it cannot deliver safely; R18: once it carries the
    task, declining stops it (the handler opens the handback). The event carries the code and
    its fixed wording; the provider's own words stay in the delegation's record."""
    declined = DelegationDeclined(
        person_id=delegation.person_id,
        delegation_id=delegation.delegation_id,
        provider_organisation=delegation.provider_organisation,
        reason=decline_wording(reason),
        declined_on=on,
        reason_code=reason,
        proposal_id=delegation.proposal_id,
    )
    return Transition(LIFECYCLE.next(delegation.state, _C.DECLINE), (declined,))
