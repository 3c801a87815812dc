"""The proposal's lifecycle and the MDT's decision on it: R1, R9-R14, R29.

A proposal is submitted, then the MDT approves, refuses or cannot agree; without consensus it
waits for the Shared Care discussion (R14), whose decision approves or refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from uuid import UUID

from services.delegation.domain import Transition
from services.delegation.domain.accountability import Practitioner as Practitioner
from services.delegation.domain.accountability import check_practitioner
from services.delegation.domain.decisions import (
    Case,
    FundingBasis,
    Member,
    Refusal,
    RiskAssessment,
    Section22Test,
    SupportPlanRef,
    Task,
    check,
    members_refusal,
    refused_at_proposal,
)
from services.delegation.domain.mdt import Involvement, check_involvement, check_staff_ids
from services.delegation.domain.parties import check_recorder, mdt_organisations
from services.delegation.domain.reasons import position_wording, shared_care_question
from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.events.delegation import (
    DecisionOutcome,
    DelegationDecided,
    MdtPosition,
    SharedCareQuestion,
    SharedCareRequested,
)
from shared.events.governance import SharedCareDecision
from shared.events.vocabulary import Direction, Setting, TaskCategory
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
    REFUSE_BY_CHECK = "refused by the decision check"


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
        (
            ProposalState.AWAITING_SHARED_CARE,
            ProposalCommand.REFUSE_BY_CHECK,
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


@dataclass(frozen=True)
class Proposal:
    proposal_id: UUID
    person_id: UUID
    task_code: str
    category: TaskCategory
    direction: Direction
    setting: Setting
    state: ProposalState = ProposalState.SUBMITTED
    practitioner_registration: str = ""  # R13: the accountable practitioner's registration
    additional_minutes_per_week: int = 0  # R19: beyond the support plan as it is


@dataclass(frozen=True)
class MdtDecision:
    outcome: DecisionOutcome
    members: tuple[Member, ...]
    risk: RiskAssessment
    best_interests: bool
    section_22: Section22Test | None = None
    clinical_justification: str | None = None
    section_22_funding: FundingBasis | None = None
    reasons: str | None = None
    question_code: SharedCareQuestion | None = None
    question: str | None = None  # an earlier client's words: kept in the record, never sent
    positions: tuple[str, ...] = ()  # the same
    recorded_by: str = ""  # the organisation of the MDT member who records the decision
    involvement: Involvement = field(default_factory=Involvement)  # R9: person, family
    new_support_plan: SupportPlanRef | None = None  # R19: agreed when the task does not fit

    @property
    def organisations(self) -> list[str]:
        """The organisations of the MDT members who decided."""
        return mdt_organisations(m.organisation for m in self.members if m.present)


def check_proposal(task: Task, direction: Direction, practitioner: Practitioner) -> None:
    """R1, R10, R13: what a proposal must satisfy before it reaches the MDT; an absolute entry
    of the catalogue is refused here, not at the MDT."""
    if (refused := refused_at_proposal(task, direction)) is not None:
        raise refused.violation()
    check_practitioner(practitioner, task.category)


def check_health_need(task_code: str, need_tasks: tuple[str, ...] | None) -> None:
    """R4: a health need the proposal cites is one of the person's current assessed needs, and
    the task is one that meets it (`need_tasks` None: no such current need)."""
    if need_tasks is None:
        reason = "is not a current assessed health need of this person"
    elif task_code not in need_tasks:
        reason = f"does not list the task '{task_code}' among those that meet it"
    else:
        return
    raise RuleViolation(
        "R4",
        f"the cited health need {reason}",
        errors=[{"field": "health_need_id", "reason": reason}],
    )


def check_mdt(members: tuple[Member, ...], involvement: Involvement | None = None) -> None:
    """R9: each member once, a registered health practitioner and a social care practitioner
    present; the person's and family's involvement, or why not."""
    check_staff_ids([m.staff_id for m in members if m.staff_id])
    if (refused := members_refusal(members)) is not None:
        raise refused.violation()
    check_involvement(involvement or Involvement())


def case_of(proposal: Proposal, task: Task, decision: MdtDecision) -> Case:
    """The decision check's facts as the MDT recorded them."""
    return Case(
        task=task,
        direction=proposal.direction,
        members=decision.members,
        risk=decision.risk,
        best_interests=decision.best_interests,
        section_22=decision.section_22,
        clinical_justification=decision.clinical_justification,
        section_22_funding=decision.section_22_funding,
        practitioner_registration=proposal.practitioner_registration,
        minutes_to_plan=proposal.additional_minutes_per_week,
        new_support_plan=decision.new_support_plan,
    )


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
    check_mdt(decision.members, decision.involvement)
    check_recorder(decision.recorded_by, decision.organisations)
    if decision.outcome is DecisionOutcome.APPROVED:
        check(case_of(proposal, task, decision))
    if decision.outcome is DecisionOutcome.REFUSED and not (decision.reasons or "").strip():
        raise InvalidInput("reasons", "a refusal must give its reasons")
    decided = DelegationDecided(
        person_id=proposal.person_id,
        proposal_id=proposal.proposal_id,
        outcome=decision.outcome,
        framework_version=framework_version,
        decided_on=decided_on,
        mdt_organisations=decision.organisations,
    )
    if decision.outcome is not DecisionOutcome.NO_CONSENSUS:
        return Transition(state, (decided,))
    return Transition(state, (decided, shared_care_request(proposal, decision)))


def apply_shared_care(
    proposal: Proposal,
    decision: SharedCareDecision,
    framework_version: int,
    decided_on: date,
    refusal: Refusal | None = None,
    mdt: tuple[str, ...] = (),
) -> Transition[ProposalState] | None:
    """R10-R14, R29: the Shared Care discussion decides a proposal still waiting for it; a
    'delegate' the decision check refuses (`refusal`) refuses the proposal naming the rule. A
    proposal no longer waiting ignores it (the discussion's decision arrived twice)."""
    command = shared_care_command(decision, refusal)
    if not LIFECYCLE.allows(proposal.state, command):
        return None
    decided = DelegationDecided(
        person_id=proposal.person_id,
        proposal_id=proposal.proposal_id,
        outcome=outcome_of(decision, refusal),
        framework_version=framework_version,
        decided_on=decided_on,
        rule=refusal.rule if refusal and decision is SharedCareDecision.DELEGATE else None,
        mdt_organisations=list(mdt),
    )
    return Transition(LIFECYCLE.next(proposal.state, command), (decided,))


def shared_care_command(decision: SharedCareDecision, refusal: Refusal | None) -> ProposalCommand:
    if decision is SharedCareDecision.DELEGATE and refusal is not None:
        return ProposalCommand.REFUSE_BY_CHECK
    return SHARED_CARE_COMMAND[decision]


def outcome_of(decision: SharedCareDecision, refusal: Refusal | None = None) -> DecisionOutcome:
    if decision is SharedCareDecision.DELEGATE and refusal is None:
        return DecisionOutcome.APPROVED
    return DecisionOutcome.REFUSED


def shared_care_request(proposal: Proposal, decision: MdtDecision) -> SharedCareRequested:
    """R14: no consensus convenes a Shared Care discussion. The question and each member's
    position travel as codes, and as words made from the codes; the MDT's own words stay in its
    record (information governance)."""
    code = decision.question_code or SharedCareQuestion.MAY_DELEGATE
    stances = stances_of(decision)
    return SharedCareRequested(
        person_id=proposal.person_id,
        proposal_id=proposal.proposal_id,
        task_code=proposal.task_code,
        category=proposal.category,
        direction=proposal.direction,
        setting=proposal.setting,
        question=shared_care_question(
            code, proposal.task_code, proposal.direction, proposal.setting
        ),
        positions=positions_of(decision, stances),
        question_code=code,
        stances=stances,
    )


def stances_of(decision: MdtDecision) -> list[MdtPosition]:
    """R14: the members' stances; with none coded, an earlier client's words must show a
    question and two positions (they stay in the record)."""
    stances = [
        MdtPosition(discipline=m.discipline, organisation=m.organisation, stance=m.stance)
        for m in decision.members
        if m.stance is not None
    ]
    if stances and len({s.stance for s in stances}) < 2:
        raise InvalidInput("members", "record the differing stances the MDT could not reconcile")
    if stances:
        return stances
    if decision.question_code is None and not (decision.question or "").strip():
        raise InvalidInput("question_code", "say what the Shared Care discussion must decide")
    if len(decision.positions) < 2:
        raise InvalidInput("members", "record each member's stance the MDT could not reconcile")
    return []


def positions_of(decision: MdtDecision, stances: list[MdtPosition]) -> list[str]:
    """The positions in words made from codes: each stance, else who sat (stance not coded)."""
    if stances:
        return [position_wording(s) for s in stances]
    return [f"{m.discipline.value} ({m.organisation}): stance not coded" for m in decision.members]


def nhs_duty_of_care_retained(direction: Direction) -> bool:
    """R18: delegating a health task does not cancel the NHS duty of care."""
    return direction is Direction.HEALTH_TO_SOCIAL
