"""What stops a running delegation and what lets it go on: suspension and resumption
(R7, R16), clinical suspension by the oversight owner (R17, R18), handing back with notice (R18)
and the end. Every stop of a running delegation also opens a handback (`domain.handbacks`)."""

from __future__ import annotations

from datetime import date

from services.delegation.domain import Transition
from services.delegation.domain.delegations.lifecycle import (
    LIFECYCLE,
    RUNNING,
    Delegation,
    DelegationCommand,
    DelegationState,
)
from services.delegation.domain.reasons import end_wording
from shared.dates import expiry_within
from shared.errors import Forbidden, RuleViolation
from shared.events.delegation import (
    DelegationEnded,
    DelegationResumed,
    DelegationSuspended,
    EndReason,
    StopReason,
    SuspensionReason,
)

_S, _C = DelegationState, DelegationCommand


# R18: a handback notice runs from today to at most a year ahead (a later date is a slip).
NOTICE_YEARS = 1


def end(delegation: Delegation, reason: EndReason, on: date) -> Transition[DelegationState]:
    """A delegation ends with a coded reason, once; the event carries the code and its fixed
    wording, the ender's own words stay in the delegation's record."""
    ended = DelegationEnded(
        person_id=delegation.person_id,
        delegation_id=delegation.delegation_id,
        task_code=delegation.task_code,
        reason=end_wording(reason),
        effective_date=on,
        reason_code=reason,
        proposal_id=delegation.proposal_id,
    )
    return Transition(LIFECYCLE.next(delegation.state, _C.END), (ended,))


def reassess(
    delegation: Delegation, reason: SuspensionReason | None, on: date
) -> Transition[DelegationState] | None:
    """R7, R16: a running delegation suspends when a reason appears and resumes when none is
    left; None when its state stays as it is."""
    if delegation.state is _S.LIVE and reason is not None:
        suspended = DelegationSuspended(
            person_id=delegation.person_id,
            delegation_id=delegation.delegation_id,
            reason=reason,
            effective_date=on,
        )
        return Transition(LIFECYCLE.next(delegation.state, _C.SUSPEND), (suspended,))
    if delegation.state is _S.SUSPENDED and reason is None:
        resumed = DelegationResumed(
            person_id=delegation.person_id,
            delegation_id=delegation.delegation_id,
            effective_date=on,
        )
        return Transition(LIFECYCLE.next(delegation.state, _C.RESUME), (resumed,))
    return None


def suspension_reason(consent: bool, competent_workers: int) -> SuspensionReason | None:
    """R7, R16: what stops a live delegation; None when it may carry on."""
    if not consent:
        return SuspensionReason.CONSENT_WITHDRAWN
    if competent_workers == 0:
        return SuspensionReason.NO_COMPETENT_WORKER
    return None


def stops(delegation: Delegation) -> bool:
    """R18: leaving this state stops social care carrying out the task (a handback opens)."""
    return delegation.state in RUNNING


def stop_reason(reason: SuspensionReason) -> StopReason:
    """R18: a gate's suspension reason as the handback's coded stop reason."""
    return StopReason(reason.value)


def check_oversight_owner(delegation: Delegation, organisation: str) -> None:
    """R17: only the clinical oversight owner's organisation suspends on clinical grounds."""
    if delegation.oversight is None or delegation.oversight.owner != organisation:
        raise Forbidden("only the clinical oversight owner can suspend or lift on clinical grounds")


def suspend_clinically(
    delegation: Delegation, organisation: str, reason: str
) -> Transition[DelegationState]:
    """The oversight owner suspends the task at once on clinical grounds (R17, R18). The reason
    stays in the delegation's record: events carry only the coded stop reason."""
    check_oversight_owner(delegation, organisation)
    if not reason.strip():
        raise RuleViolation("R18", "a clinical suspension needs its clinical reason")
    return Transition(LIFECYCLE.next(delegation.state, _C.SUSPEND_CLINICALLY), ())


def lift(
    delegation: Delegation, organisation: str, gate_reason: SuspensionReason | None, on: date
) -> Transition[DelegationState]:
    """The oversight owner lifts its clinical suspension: live again when every gate is green,
    else it stays suspended for the red gate (R7, R16) and the handback stays open."""
    check_oversight_owner(delegation, organisation)
    if gate_reason is not None:
        return Transition(LIFECYCLE.next(delegation.state, _C.LIFT_WHILE_GATE_RED), ())
    resumed = DelegationResumed(
        person_id=delegation.person_id,
        delegation_id=delegation.delegation_id,
        effective_date=on,
    )
    return Transition(LIFECYCLE.next(delegation.state, _C.LIFT), (resumed,))


def give_notice(
    delegation: Delegation, notice_date: date, reason: str, on: date
) -> Transition[DelegationState]:
    """R18: the provider hands the task back from a notice date, today or later; until then it
    carries on as it is."""
    if notice_date < on:
        raise RuleViolation("R18", "the notice date cannot be in the past", field="notice_date")
    expiry_within("notice_date", notice_date, on, years=NOTICE_YEARS)
    if not reason.strip():
        raise RuleViolation("R18", "handing a task back needs a reason")
    return Transition(LIFECYCLE.next(delegation.state, _C.GIVE_NOTICE), ())


def hand_back(delegation: Delegation) -> Transition[DelegationState]:
    """R18: on the notice date social care stops carrying out the task."""
    return Transition(LIFECYCLE.next(delegation.state, _C.HAND_BACK), ())
