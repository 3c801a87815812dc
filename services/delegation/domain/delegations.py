"""The delegation's lifecycle: provider acceptance (R15), going live when every gate is green
(R7, R13, R16, R17, R24), suspension and resumption (R7, R16), clinical suspension by the
oversight owner, the provider declining or handing back with notice (R18), oversight (R17), each
named worker's standing (R16) and its end.

Every stop of a running delegation also opens a handback (`domain.handbacks`, R18, R20).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from services.delegation.domain import Transition
from services.delegation.domain.gates import GateState, all_green
from shared.errors import Forbidden, RuleViolation
from shared.events.delegation import (
    DelegationAccepted,
    DelegationDeclined,
    DelegationEnded,
    DelegationResumed,
    DelegationSuspended,
    OversightTransferred,
    StopReason,
    SuspensionReason,
    TaskDelegated,
)
from shared.events.training import in_date
from shared.events.vocabulary import Direction, OversightKind, Setting, TaskCategory
from shared.lifecycle import Lifecycle


class DelegationState(StrEnum):
    AWAITING_ACCEPTANCE = "awaiting_acceptance"
    DECLINED = "declined"
    AWAITING_GATES = "awaiting_gates"
    LIVE = "live"
    SUSPENDED = "suspended"
    ENDED = "ended"
    CLINICALLY_SUSPENDED = "clinically_suspended"
    HANDED_BACK = "handed_back"


class DelegationCommand(StrEnum):
    ACCEPT = "accepted"
    DECLINE = "declined"
    GO_LIVE = "put live"
    SUSPEND = "suspended"
    RESUME = "resumed"
    END = "ended"
    SUSPEND_CLINICALLY = "suspended on clinical grounds"
    LIFT = "lifted from clinical suspension"
    LIFT_WHILE_GATE_RED = "lifted from clinical suspension while a gate is red"
    GIVE_NOTICE = "given notice of handback"
    HAND_BACK = "handed back"


_S, _C = DelegationState, DelegationCommand
GO_LIVE = DelegationCommand.GO_LIVE
LIFECYCLE: Lifecycle[DelegationState, DelegationCommand] = Lifecycle(
    "delegation",
    {
        (_S.AWAITING_ACCEPTANCE, _C.ACCEPT): _S.AWAITING_GATES,
        (_S.AWAITING_ACCEPTANCE, _C.DECLINE): _S.DECLINED,
        (_S.AWAITING_ACCEPTANCE, _C.END): _S.ENDED,
        (_S.AWAITING_GATES, _C.GO_LIVE): _S.LIVE,
        (_S.AWAITING_GATES, _C.END): _S.ENDED,
        (_S.LIVE, _C.SUSPEND): _S.SUSPENDED,
        (_S.LIVE, _C.END): _S.ENDED,
        (_S.SUSPENDED, _C.RESUME): _S.LIVE,
        (_S.SUSPENDED, _C.END): _S.ENDED,
        # R18: the provider declines after acceptance, once it carries the task
        (_S.LIVE, _C.DECLINE): _S.DECLINED,
        (_S.SUSPENDED, _C.DECLINE): _S.DECLINED,
        (_S.CLINICALLY_SUSPENDED, _C.DECLINE): _S.DECLINED,
        # clinical suspension by the oversight owner, and its lifting
        (_S.LIVE, _C.SUSPEND_CLINICALLY): _S.CLINICALLY_SUSPENDED,
        (_S.SUSPENDED, _C.SUSPEND_CLINICALLY): _S.CLINICALLY_SUSPENDED,
        (_S.CLINICALLY_SUSPENDED, _C.LIFT): _S.LIVE,
        (_S.CLINICALLY_SUSPENDED, _C.LIFT_WHILE_GATE_RED): _S.SUSPENDED,
        (_S.CLINICALLY_SUSPENDED, _C.END): _S.ENDED,
        # the provider hands the task back: it stays as it is until the notice date, then stops
        (_S.LIVE, _C.GIVE_NOTICE): _S.LIVE,
        (_S.SUSPENDED, _C.GIVE_NOTICE): _S.SUSPENDED,
        (_S.CLINICALLY_SUSPENDED, _C.GIVE_NOTICE): _S.CLINICALLY_SUSPENDED,
        (_S.LIVE, _C.HAND_BACK): _S.HANDED_BACK,
        (_S.SUSPENDED, _C.HAND_BACK): _S.HANDED_BACK,
        (_S.CLINICALLY_SUSPENDED, _C.HAND_BACK): _S.HANDED_BACK,
        (_S.HANDED_BACK, _C.END): _S.ENDED,
    },
)

# What the gates' facts are reassessed for, and what reviews and occurrences apply to.
ACTIVE = (
    DelegationState.AWAITING_GATES,
    DelegationState.LIVE,
    DelegationState.SUSPENDED,
    DelegationState.CLINICALLY_SUSPENDED,
)
RUNNING = (
    DelegationState.LIVE,
    DelegationState.SUSPENDED,
    DelegationState.CLINICALLY_SUSPENDED,
)
# Social care will not carry the task again under this delegation (R18, R20).
FINISHED = (DelegationState.ENDED, DelegationState.DECLINED, DelegationState.HANDED_BACK)


@dataclass(frozen=True)
class Delegation:
    """The facts of a delegation its decisions look at."""

    delegation_id: UUID
    person_id: UUID
    task_code: str
    category: TaskCategory
    direction: Direction
    setting: Setting
    provider_organisation: str
    additional_minutes_per_week: int
    state: DelegationState
    worker_ids: tuple[UUID, ...] = ()
    oversight: Oversight | None = None
    local_authority: str | None = None
    # A 5.13: an instruction record stands for training plan and competence (R16)
    needs_specific_training: bool = True
    section_22_met: bool | None = None  # R11: None when the test does not apply


@dataclass(frozen=True)
class Oversight:
    kind: OversightKind
    owner: str


@dataclass(frozen=True)
class Placement:
    """R13, R17: who is accountable and who oversees, fixed when the delegation goes live."""

    accountable_organisation: str
    local_authority: str
    oversight: Oversight


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


def decline(delegation: Delegation, reason: str, on: date) -> Transition[DelegationState]:
    """R15: a provider may decline a task it cannot deliver safely; R18: once it carries the
    task, declining stops it (the handler opens the handback)."""
    declined = DelegationDeclined(
        person_id=delegation.person_id,
        delegation_id=delegation.delegation_id,
        provider_organisation=delegation.provider_organisation,
        reason=reason,
        declined_on=on,
    )
    return Transition(LIFECYCLE.next(delegation.state, _C.DECLINE), (declined,))


def end(delegation: Delegation, reason: str, on: date) -> Transition[DelegationState]:
    """A delegation ends with a reason, once."""
    ended = DelegationEnded(
        person_id=delegation.person_id,
        delegation_id=delegation.delegation_id,
        task_code=delegation.task_code,
        reason=reason,
        effective_date=on,
    )
    return Transition(LIFECYCLE.next(delegation.state, _C.END), (ended,))


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
    )
    return Transition(LIFECYCLE.next(delegation.state, _C.GO_LIVE), (delegated,))


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


def placement(
    direction: Direction,
    local_authority: str,
    oversight: Oversight,
    icb_organisation: str,
) -> Placement:
    """R13, R19: the ICB is accountable for health tasks delegated to social care, else the
    local authority; R17: oversight as `oversight_for` finds it."""
    return Placement(
        accountable_organisation(direction, icb_organisation, local_authority),
        local_authority,
        oversight,
    )


def accountable_organisation(direction: Direction, icb: str, local_authority: str) -> str:
    """R13, R19: the ICB for health tasks delegated to social care; else the local authority."""
    return icb if direction is Direction.HEALTH_TO_SOCIAL else local_authority


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
    if not reason.strip():
        raise RuleViolation("R18", "handing a task back needs a reason")
    return Transition(LIFECYCLE.next(delegation.state, _C.GIVE_NOTICE), ())


def hand_back(delegation: Delegation) -> Transition[DelegationState]:
    """R18: on the notice date social care stops carrying out the task."""
    return Transition(LIFECYCLE.next(delegation.state, _C.HAND_BACK), ())


class WorkerStanding(StrEnum):
    """R16: whether a named worker may carry out the task today."""

    IN_DATE = "in_date"
    INSTRUCTED = "instructed"  # A 5.13: a task needing no specific training; no expiry
    LAPSED = "lapsed"
    NOT_COMPETENT = "not_competent"
    NOT_ASSESSED = "not_assessed"
    LEFT = "left"


@dataclass(frozen=True)
class CompetenceRecord:
    competent: bool
    valid_until: date | None


def standing(
    records: list[CompetenceRecord], left: bool, on: date, instructed: bool = False
) -> WorkerStanding:
    """R16: per worker, per task, on the day: the same in-date boundary training uses; an
    instruction in a task needing no specific training stands instead (A 5.13)."""
    if left:
        return WorkerStanding.LEFT
    if any(r.competent and in_date(r.valid_until, on) for r in records):
        return WorkerStanding.IN_DATE
    if instructed:
        return WorkerStanding.INSTRUCTED
    if any(r.competent for r in records):
        return WorkerStanding.LAPSED
    return WorkerStanding.NOT_COMPETENT if records else WorkerStanding.NOT_ASSESSED


def check_departure(delegation: Delegation, worker_id: UUID) -> None:
    """R16: only a named worker can leave a delegation."""
    if worker_id not in delegation.worker_ids:
        raise RuleViolation("R16", f"worker {worker_id} is not named on this delegation")
