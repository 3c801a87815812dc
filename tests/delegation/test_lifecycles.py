"""The delegation service's lifecycle tables, pure: every allowed pair, and refused pairs 409."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date
from enum import StrEnum

import pytest

from services.delegation.domain import delegations, gates, proposals, reviews
from services.delegation.domain.delegations import DelegationCommand, DelegationState
from services.delegation.domain.proposals import ProposalCommand, ProposalState
from services.delegation.domain.reviews import ReviewCommand, ReviewState
from shared.errors import Conflict
from shared.events.delegation import (
    DeclineReason,
    DelegationAccepted,
    DelegationDecided,
    DelegationEnded,
    DelegationResumed,
    DelegationSuspended,
    EndReason,
    OversightTransferred,
    ReviewCompleted,
    ReviewDue,
    ReviewOutcome,
    ReviewReason,
    SuspensionReason,
    TaskDelegated,
)
from shared.events.governance import SharedCareDecision
from shared.events.vocabulary import Direction, OversightKind, Setting, TaskCategory
from shared.lifecycle import Lifecycle

TODAY = date(2026, 1, 5)
WORKER = uuid.uuid4()
DELEGATION = delegations.Delegation(
    delegation_id=uuid.uuid4(),
    person_id=uuid.uuid4(),
    task_code="topical-cream",
    category=TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
    direction=Direction.HEALTH_TO_SOCIAL,
    setting=Setting.OWN_HOME,
    provider_organisation="CAREWELL-HOMECARE",
    additional_minutes_per_week=0,
    state=DelegationState.AWAITING_ACCEPTANCE,
    worker_ids=(WORKER,),
)
CHS = delegations.Oversight(OversightKind.COMMUNITY_HEALTH_SERVICES, "LPT")
PLACEMENT = delegations.placement(Direction.HEALTH_TO_SOCIAL, False, "LEICESTER", CHS, "LLR-ICB")
READY = gates.Readiness(True, True, (WORKER,), frozenset({WORKER}), frozenset({WORKER}), True, "x")
ACCEPTANCE = delegations.Acceptance((WORKER,), True, True, True)
PROPOSAL = proposals.Proposal(
    uuid.uuid4(),
    uuid.uuid4(),
    "topical-cream",
    TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
    Direction.HEALTH_TO_SOCIAL,
    Setting.OWN_HOME,
)

TABLES: list[Lifecycle[StrEnum, StrEnum]] = [
    delegations.LIFECYCLE,  # type: ignore[list-item]
    proposals.LIFECYCLE,  # type: ignore[list-item]
    reviews.LIFECYCLE,  # type: ignore[list-item]
]
ALLOWED = [
    (lifecycle, state, command, to)
    for lifecycle in TABLES
    for (state, command), to in lifecycle.table.items()
]
STATES: list[type[StrEnum]] = [DelegationState, ProposalState, ReviewState]
COMMANDS: list[type[StrEnum]] = [DelegationCommand, ProposalCommand, ReviewCommand]


@pytest.mark.parametrize(
    ("lifecycle", "state", "command", "to"),
    ALLOWED,
    ids=[f"{lc.name}:{s}-{c}" for lc, s, c, _ in ALLOWED],
)
def test_every_allowed_pair_leads_to_its_state(
    lifecycle: Lifecycle[StrEnum, StrEnum], state: StrEnum, command: StrEnum, to: StrEnum
) -> None:
    assert lifecycle.allows(state, command)
    assert lifecycle.next(state, command) is to


@pytest.mark.parametrize(
    ("lifecycle", "states", "commands"), list(zip(TABLES, STATES, COMMANDS, strict=True))
)
def test_every_pair_not_in_the_table_is_a_conflict_naming_the_state(
    lifecycle: Lifecycle[StrEnum, StrEnum], states: type[StrEnum], commands: type[StrEnum]
) -> None:
    refused = [(s, c) for s in states for c in commands if (s, c) not in lifecycle.table]
    assert refused
    for state, command in refused:
        with pytest.raises(Conflict) as stopped:
            lifecycle.next(state, command)
        assert stopped.value.extensions["state"] == str(state)


@pytest.mark.parametrize(("lifecycle", "states"), list(zip(TABLES, STATES, strict=True)))
def test_every_declared_state_is_in_its_table(
    lifecycle: Lifecycle[StrEnum, StrEnum], states: type[StrEnum]
) -> None:
    assert lifecycle.states() == set(states)


def test_ended_and_declined_delegations_and_decided_proposals_take_no_command() -> None:
    for state in (DelegationState.ENDED, DelegationState.DECLINED):
        assert delegations.LIFECYCLE.commands_from(state) == []
    for decided in (ProposalState.APPROVED, ProposalState.REFUSED):
        assert proposals.LIFECYCLE.commands_from(decided) == []
    assert reviews.LIFECYCLE.commands_from(ReviewState.COMPLETED) == []


def test_r15_acceptance_awaits_the_gates_and_publishes_the_workers() -> None:
    transition = delegations.accept(DELEGATION, ACCEPTANCE, TODAY)
    assert transition.state is DelegationState.AWAITING_GATES
    [accepted] = transition.events
    assert isinstance(accepted, DelegationAccepted)
    assert accepted.worker_ids == [WORKER]


def test_r15_a_delegation_the_provider_has_answered_cannot_be_accepted_or_declined() -> None:
    declined = replace(DELEGATION, state=DelegationState.DECLINED)
    with pytest.raises(Conflict):
        delegations.accept(declined, ACCEPTANCE, TODAY)
    # R18 (issue 13): once the task is live the provider may decline it (a handback opens);
    # between acceptance and going live it may not.
    with pytest.raises(Conflict):
        delegations.decline(
            replace(DELEGATION, state=DelegationState.AWAITING_GATES),
            DeclineReason.NO_CAPACITY,
            TODAY,
        )


def test_r7_r16_r17_r24_going_live_needs_every_gate_green() -> None:
    waiting = replace(DELEGATION, state=DelegationState.AWAITING_GATES)
    unready = gates.gates(replace(READY, consent=False))
    assert delegations.go_live(waiting, unready, PLACEMENT, TODAY) is None
    transition = delegations.go_live(waiting, gates.gates(READY), PLACEMENT, TODAY)
    assert transition is not None
    assert transition.state is DelegationState.LIVE
    [delegated] = transition.events
    assert isinstance(delegated, TaskDelegated)
    assert (delegated.accountable_organisation, delegated.oversight_owner) == ("LLR-ICB", "LPT")


def test_a_live_delegation_does_not_go_live_again() -> None:
    live = replace(DELEGATION, state=DelegationState.LIVE)
    assert delegations.go_live(live, gates.gates(READY), PLACEMENT, TODAY) is None


def test_r7_r16_a_live_delegation_suspends_and_resumes() -> None:
    live = replace(DELEGATION, state=DelegationState.LIVE)
    suspended = delegations.reassess(live, SuspensionReason.CONSENT_WITHDRAWN, TODAY)
    assert suspended is not None
    assert suspended.state is DelegationState.SUSPENDED
    assert isinstance(suspended.events[0], DelegationSuspended)
    paused = replace(DELEGATION, state=DelegationState.SUSPENDED)
    resumed = delegations.reassess(paused, None, TODAY)
    assert resumed is not None
    assert resumed.state is DelegationState.LIVE
    assert isinstance(resumed.events[0], DelegationResumed)
    assert delegations.reassess(live, None, TODAY) is None
    assert delegations.reassess(paused, SuspensionReason.NO_COMPETENT_WORKER, TODAY) is None


def test_a_delegation_ends_once() -> None:
    live = replace(DELEGATION, state=DelegationState.LIVE)
    transition = delegations.end(live, EndReason.PERSON_MOVED, TODAY)
    assert transition.state is DelegationState.ENDED
    [ended] = transition.events
    assert isinstance(ended, DelegationEnded)
    assert (ended.reason_code, ended.reason) == (EndReason.PERSON_MOVED, "The person has moved")
    with pytest.raises(Conflict):
        delegations.end(replace(DELEGATION, state=DelegationState.ENDED), EndReason.OTHER, TODAY)


def test_r17_oversight_transfers_only_when_it_moves() -> None:
    overseen = replace(DELEGATION, state=DelegationState.LIVE, oversight=CHS)
    assert delegations.transfer_oversight(overseen, CHS, TODAY) is None
    gp = delegations.Oversight(OversightKind.PRIMARY_CARE, "C82001")
    transferred = delegations.transfer_oversight(overseen, gp, TODAY)
    assert isinstance(transferred, OversightTransferred)
    assert (transferred.from_owner, transferred.to_owner) == ("LPT", "C82001")


def test_r14_shared_care_decides_only_a_proposal_waiting_for_it() -> None:
    waiting = replace(PROPOSAL, state=ProposalState.AWAITING_SHARED_CARE)
    approved = proposals.apply_shared_care(waiting, SharedCareDecision.DELEGATE, 1, TODAY)
    assert approved is not None
    assert approved.state is ProposalState.APPROVED
    [decided] = approved.events
    assert isinstance(decided, DelegationDecided)
    refused = proposals.apply_shared_care(waiting, SharedCareDecision.DO_NOT_DELEGATE, 1, TODAY)
    assert refused is not None
    assert refused.state is ProposalState.REFUSED
    assert proposals.apply_shared_care(PROPOSAL, SharedCareDecision.DELEGATE, 1, TODAY) is None


def test_r9_a_decided_proposal_cannot_be_decided_again() -> None:
    decided = replace(PROPOSAL, state=ProposalState.REFUSED)
    with pytest.raises(Conflict) as stopped:
        proposals.next_state(decided, ProposalCommand.APPROVE)
    assert "already" in stopped.value.detail


def test_r26_a_review_completes_once_and_only_for_a_running_delegation() -> None:
    live = replace(DELEGATION, state=DelegationState.LIVE)
    due = reviews.Review(uuid.uuid4(), ReviewState.DUE)
    outcome = reviews.Outcome(ReviewOutcome.CHANGE_MINUTES, 70)
    transition = reviews.complete(due, live, outcome, TODAY)
    assert transition.state is ReviewState.COMPLETED
    [completed] = transition.events
    assert isinstance(completed, ReviewCompleted)
    assert completed.additional_minutes_per_week == 70
    with pytest.raises(Conflict):
        reviews.complete(replace(due, state=ReviewState.COMPLETED), live, outcome, TODAY)
    with pytest.raises(Conflict):
        reviews.complete(due, replace(live, state=DelegationState.ENDED), outcome, TODAY)


def test_r26_r8_a_review_falls_due_for_a_running_delegation_with_its_reason() -> None:
    live = replace(DELEGATION, state=DelegationState.SUSPENDED)
    due = reviews.Due(TODAY, ReviewReason.CHANGE_IN_NEED, mdt_reassessment=True)
    review_id = uuid.uuid4()
    transition = reviews.fall_due(live, review_id, due)
    assert transition.state is ReviewState.DUE
    [raised] = transition.events
    assert isinstance(raised, ReviewDue)
    assert (raised.review_id, raised.mdt_reassessment) == (review_id, True)
    with pytest.raises(Conflict):
        reviews.fall_due(replace(live, state=DelegationState.ENDED), review_id, due)


def test_r26_the_first_regular_review_is_at_three_months_then_twelve_monthly() -> None:
    assert reviews.regular_reason(0) is ReviewReason.THREE_MONTHS
    assert reviews.regular_reason(1) is ReviewReason.TWELVE_MONTHS
    assert reviews.regular_reason(5) is ReviewReason.TWELVE_MONTHS
