"""The proposal's lifecycle and the MDT's decision on it: R1, R9-R14, R29.

A proposal is submitted, then the MDT approves, refuses or cannot agree; without consensus it
waits for the Shared Care discussion (R14), whose decision approves or refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from services.delegation.domain import Transition
from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.events.delegation import DecisionOutcome, DelegationDecided, SharedCareRequested
from shared.events.governance import SharedCareDecision
from shared.events.vocabulary import Delegability, Direction, Setting, TaskCategory
from shared.lifecycle import Lifecycle


class ProposalState(StrEnum):
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REFUSED = "refused"
    AWAITING_SHARED_CARE = "awaiting_shared_care"


class ProposalCommand(StrEnum):
    APPROVE = "approved"
    REFUSE = "refused"
    REFER_TO_SHARED_CARE = "referred to Shared Care"
    APPROVE_AFTER_SHARED_CARE = "approved by Shared Care"
    REFUSE_AFTER_SHARED_CARE = "refused by Shared Care"


LIFECYCLE: Lifecycle[ProposalState, ProposalCommand] = Lifecycle(
    "proposal",
    {
        (ProposalState.SUBMITTED, ProposalCommand.APPROVE): ProposalState.APPROVED,
        (ProposalState.SUBMITTED, ProposalCommand.REFUSE): ProposalState.REFUSED,
        (
            ProposalState.SUBMITTED,
            ProposalCommand.REFER_TO_SHARED_CARE,
        ): ProposalState.AWAITING_SHARED_CARE,
        (
            ProposalState.AWAITING_SHARED_CARE,
            ProposalCommand.APPROVE_AFTER_SHARED_CARE,
        ): ProposalState.APPROVED,
        (
            ProposalState.AWAITING_SHARED_CARE,
            ProposalCommand.REFUSE_AFTER_SHARED_CARE,
        ): ProposalState.REFUSED,
    },
)

MDT_COMMAND = {
    DecisionOutcome.APPROVED: ProposalCommand.APPROVE,
    DecisionOutcome.REFUSED: ProposalCommand.REFUSE,
    DecisionOutcome.NO_CONSENSUS: ProposalCommand.REFER_TO_SHARED_CARE,
}
SHARED_CARE_COMMAND = {
    SharedCareDecision.DELEGATE: ProposalCommand.APPROVE_AFTER_SHARED_CARE,
    SharedCareDecision.DO_NOT_DELEGATE: ProposalCommand.REFUSE_AFTER_SHARED_CARE,
}


class Discipline(StrEnum):
    """R9: the disciplines an MDT member may bring."""

    REGISTERED_NURSE = "registered_nurse"
    DOCTOR = "doctor"
    ALLIED_HEALTH_PROFESSIONAL = "allied_health_professional"
    PHARMACIST = "pharmacist"
    SOCIAL_WORKER = "social_worker"
    SOCIAL_CARE_PRACTITIONER = "social_care_practitioner"
    CARE_PROVIDER = "care_provider"


HEALTH_DISCIPLINES = frozenset(
    {
        Discipline.REGISTERED_NURSE,
        Discipline.DOCTOR,
        Discipline.ALLIED_HEALTH_PROFESSIONAL,
        Discipline.PHARMACIST,
    }
)
SOCIAL_CARE_DISCIPLINES = frozenset({Discipline.SOCIAL_WORKER, Discipline.SOCIAL_CARE_PRACTITIONER})


class Stability(StrEnum):
    """R12: how stable or predictable the person's condition is."""

    STABLE = "stable"
    PREDICTABLE = "predictable"
    UNSTABLE = "unstable"


class Complexity(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"


@dataclass(frozen=True)
class Task:
    code: str
    category: TaskCategory
    delegability: Delegability
    active: bool = True


@dataclass(frozen=True)
class Member:
    discipline: Discipline
    organisation: str


@dataclass(frozen=True)
class RiskAssessment:
    """R12: the risk and benefit assessment the national guidance asks for."""

    stability: Stability
    complexity: Complexity
    expected_outcome: str
    mitigations: tuple[str, ...]


@dataclass(frozen=True)
class Section22Test:
    """R11: Care Act s.22, both limbs must hold for a local authority to meet a health need."""

    merely_incidental_or_ancillary: bool
    of_a_nature_a_local_authority_could_provide: bool

    @property
    def passed(self) -> bool:
        return (
            self.merely_incidental_or_ancillary and self.of_a_nature_a_local_authority_could_provide
        )


@dataclass(frozen=True)
class Proposal:
    proposal_id: UUID
    person_id: UUID
    task_code: str
    category: TaskCategory
    direction: Direction
    setting: Setting
    state: ProposalState = ProposalState.SUBMITTED


@dataclass(frozen=True)
class MdtDecision:
    outcome: DecisionOutcome
    members: tuple[Member, ...]
    risk: RiskAssessment
    best_interests: bool
    section_22: Section22Test | None = None
    clinical_justification: str | None = None
    reasons: str | None = None
    question: str | None = None
    positions: tuple[str, ...] = ()


def check_proposal(task: Task, direction: Direction, practitioner_competent: bool) -> None:
    """R1, R10, R13: what a proposal must satisfy before it reaches the MDT."""
    if not task.active:
        raise RuleViolation("R10", f"task '{task.code}' is no longer in the catalogue")
    social_task = task.delegability is Delegability.SOCIAL_CARE_ONLY
    if social_task != (direction is Direction.SOCIAL_TO_HEALTH):
        raise RuleViolation(
            "R1",
            f"a {'social care' if social_task else 'healthcare'} task cannot be delegated "
            f"{direction.value}",
        )
    if not practitioner_competent:
        raise RuleViolation(
            "R13", "the delegating practitioner must be occupationally competent in the task"
        )


def check_mdt(members: tuple[Member, ...]) -> None:
    """R9: at least one registered health practitioner and one social care practitioner."""
    disciplines = {m.discipline for m in members}
    if not disciplines & HEALTH_DISCIPLINES or not disciplines & SOCIAL_CARE_DISCIPLINES:
        raise RuleViolation(
            "R9",
            "the MDT must include a registered health practitioner and a social care practitioner",
        )


def check_approval(task: Task, direction: Direction, decision: MdtDecision) -> None:
    """R10-R12: what stops an approval."""
    if task.delegability is Delegability.NEVER or not task.active:
        raise RuleViolation("R10", f"task '{task.code}' is for a registered nurse only")
    if (
        task.delegability is Delegability.CASE_BY_CASE
        and not (decision.clinical_justification or "").strip()
    ):
        raise RuleViolation("R10", f"task '{task.code}' needs a recorded clinical justification")
    if direction is Direction.HEALTH_TO_SOCIAL:
        if decision.section_22 is None:
            raise RuleViolation("R11", "a health to social delegation must record the s.22 test")
        if not decision.section_22.passed:
            raise RuleViolation("R11", "the Care Act s.22 test fails: the NHS must provide this")
    if not decision.best_interests:
        raise RuleViolation("R12", "delegation must be in the person's best interests")
    if decision.risk.stability is Stability.UNSTABLE:
        raise RuleViolation("R12", "the person's condition is not stable enough to delegate")
    if not decision.risk.mitigations:
        raise RuleViolation("R12", "the record must say how the clinical risk is managed")


def next_state(proposal: Proposal, command: ProposalCommand) -> ProposalState:
    """The state `command` leads to; a decided proposal answers 409 ('already ...')."""
    if not LIFECYCLE.allows(proposal.state, command):
        raise Conflict(
            f"proposal {proposal.proposal_id} is already {proposal.state}: it cannot be {command}",
            existing=f"/proposals/{proposal.proposal_id}",
            state=str(proposal.state),
        )
    return LIFECYCLE.next(proposal.state, command)


def decide(
    proposal: Proposal,
    task: Task,
    decision: MdtDecision,
    framework_version: int,
    decided_on: date,
) -> Transition[ProposalState]:
    """R9-R14, R29: the MDT's decision, as the proposal's new state and the events it causes."""
    state = next_state(proposal, MDT_COMMAND[decision.outcome])
    check_mdt(decision.members)
    if decision.outcome is DecisionOutcome.APPROVED:
        check_approval(task, proposal.direction, decision)
    if decision.outcome is DecisionOutcome.REFUSED and not (decision.reasons or "").strip():
        raise InvalidInput("reasons", "a refusal must give its reasons")
    decided = DelegationDecided(
        person_id=proposal.person_id,
        proposal_id=proposal.proposal_id,
        outcome=decision.outcome,
        framework_version=framework_version,
        decided_on=decided_on,
    )
    if decision.outcome is not DecisionOutcome.NO_CONSENSUS:
        return Transition(state, (decided,))
    return Transition(state, (decided, shared_care_request(proposal, decision)))


def apply_shared_care(
    proposal: Proposal, decision: SharedCareDecision, framework_version: int, decided_on: date
) -> Transition[ProposalState] | None:
    """R14, R29: the Shared Care discussion decides a proposal still waiting for it; a
    proposal no longer waiting ignores it (the discussion's decision arrived twice)."""
    command = SHARED_CARE_COMMAND[decision]
    if not LIFECYCLE.allows(proposal.state, command):
        return None
    decided = DelegationDecided(
        person_id=proposal.person_id,
        proposal_id=proposal.proposal_id,
        outcome=outcome_of(decision),
        framework_version=framework_version,
        decided_on=decided_on,
    )
    return Transition(LIFECYCLE.next(proposal.state, command), (decided,))


def outcome_of(decision: SharedCareDecision) -> DecisionOutcome:
    if decision is SharedCareDecision.DELEGATE:
        return DecisionOutcome.APPROVED
    return DecisionOutcome.REFUSED


def shared_care_request(proposal: Proposal, decision: MdtDecision) -> SharedCareRequested:
    """R14: no consensus convenes a Shared Care discussion."""
    if not (decision.question or "").strip():
        raise InvalidInput("question", "say what the Shared Care discussion must decide")
    if len(decision.positions) < 2:
        raise InvalidInput("positions", "record the positions the MDT could not reconcile")
    return SharedCareRequested(
        person_id=proposal.person_id,
        proposal_id=proposal.proposal_id,
        task_code=proposal.task_code,
        category=proposal.category,
        direction=proposal.direction,
        setting=proposal.setting,
        question=decision.question or "",
        positions=list(decision.positions),
    )


def nhs_duty_of_care_retained(direction: Direction) -> bool:
    """R18: delegating a health task does not cancel the NHS duty of care."""
    return direction is Direction.HEALTH_TO_SOCIAL
