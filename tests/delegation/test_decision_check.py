"""The one decision check every route to a delegation passes (R1, R9-R13), pure and fast."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.delegation.domain import decisions as check
from services.delegation.domain import proposals as rules
from services.delegation.domain.proposals import ProposalState
from shared.errors import RuleViolation
from shared.events.delegation import DecisionOutcome, DelegationDecided
from shared.events.governance import SharedCareDecision
from shared.events.vocabulary import Delegability, Direction, Setting, TaskCategory

TODAY = date(2026, 1, 5)
CREAM = check.Task("topical-cream", TaskCategory.SKIN_INTEGRITY_AND_WOUNDS, Delegability.ROUTINE)
IV = check.Task("iv-drug-administration", TaskCategory.SPECIALISED_MEDICATION, Delegability.NEVER)
WOUND = check.Task(
    "complex-wound-dressing", TaskCategory.SKIN_INTEGRITY_AND_WOUNDS, Delegability.CASE_BY_CASE
)
WASHING = check.Task("personal-care-washing", TaskCategory.SOCIAL_CARE, Delegability.ROUTINE)
SAFEGUARDING = check.Task(
    "adult-safeguarding-enquiry", TaskCategory.SOCIAL_CARE, Delegability.SOCIAL_CARE_ONLY
)
CASE = check.Case(
    task=CREAM,
    direction=Direction.HEALTH_TO_SOCIAL,
    members=(
        check.Member(check.Discipline.REGISTERED_NURSE, "LPT"),
        check.Member(check.Discipline.SOCIAL_WORKER, "LEICESTER-CITY-COUNCIL"),
    ),
    risk=check.RiskAssessment(
        check.Stability.STABLE, check.Complexity.LOW, "skin heals", ("nurse visits",)
    ),
    best_interests=True,
    section_22=check.Section22Test(True, True),
    practitioner_registration="12A3456E",
)
FAILED_S22 = check.Section22Test(False, True)
WAITING = rules.Proposal(
    uuid.uuid4(),
    uuid.uuid4(),
    "iv-drug-administration",
    TaskCategory.SPECIALISED_MEDICATION,
    Direction.HEALTH_TO_SOCIAL,
    Setting.OWN_HOME,
    ProposalState.AWAITING_SHARED_CARE,
)


def rule_of(case: check.Case) -> str | None:
    found = check.refusal(case)
    return None if found is None else found.rule


def test_r10_an_absolute_entry_is_refused_for_health_to_social() -> None:
    assert rule_of(replace(CASE, task=IV)) == "R10"
    with pytest.raises(RuleViolation) as refused:
        rules.check_proposal(IV, Direction.HEALTH_TO_SOCIAL, True)
    assert refused.value.rule == "R10"


def test_r10_the_exclusive_remit_of_adult_social_care_never_goes_to_health() -> None:
    case = replace(CASE, task=SAFEGUARDING, direction=Direction.SOCIAL_TO_HEALTH)
    assert rule_of(case) == "R10"
    with pytest.raises(RuleViolation) as refused:
        rules.check_proposal(SAFEGUARDING, Direction.SOCIAL_TO_HEALTH, True)
    assert refused.value.rule == "R10"


def test_r1_r10_a_delegable_social_care_task_may_go_to_health() -> None:
    case = replace(CASE, task=WASHING, direction=Direction.SOCIAL_TO_HEALTH, section_22=None)
    assert check.refusal(case) is None
    assert check.check(case) == check.Terms(None, None)


def test_r1_a_social_care_task_is_not_delegated_health_to_social() -> None:
    assert rule_of(replace(CASE, task=WASHING)) == "R1"


def test_r10_a_removed_entry_is_refused_on_every_route() -> None:
    assert rule_of(replace(CASE, task=replace(CREAM, active=False))) == "R10"


def test_r10_case_by_case_needs_a_recorded_clinical_justification() -> None:
    assert rule_of(replace(CASE, task=WOUND)) == "R10"
    assert rule_of(replace(CASE, task=WOUND, clinical_justification="  ")) == "R10"
    assert rule_of(replace(CASE, task=WOUND, clinical_justification="stable; TVN plan")) is None


def test_r9_the_mdt_needs_a_health_and_a_social_care_practitioner() -> None:
    nurses = (check.Member(check.Discipline.REGISTERED_NURSE, "LPT"),)
    assert rule_of(replace(CASE, members=nurses)) == "R9"


def test_r11_a_health_to_social_delegation_must_record_the_section_22_test() -> None:
    assert rule_of(replace(CASE, section_22=None)) == "R11"


@pytest.mark.parametrize(
    "failed", [check.Section22Test(False, True), check.Section22Test(True, False)]
)
def test_r11_a_failed_section_22_test_does_not_refuse_it_changes_who_funds(
    failed: check.Section22Test,
) -> None:
    assert check.check(replace(CASE, section_22=failed)) == check.Terms(
        False, check.FundingBasis.NHS_FUNDED
    )
    joint = replace(CASE, section_22=failed, section_22_funding=check.FundingBasis.JOINT_PACKAGE)
    assert check.check(joint) == check.Terms(False, check.FundingBasis.JOINT_PACKAGE)


def test_r11_a_passed_section_22_test_is_recorded_with_no_funding_change() -> None:
    assert check.check(CASE) == check.Terms(True, None)


@given(st.booleans(), st.booleans(), st.sampled_from(check.FundingBasis))
def test_r11_when_the_test_fails_the_council_is_never_the_funder(
    incidental: bool, of_a_nature: bool, asked: check.FundingBasis
) -> None:
    case = replace(
        CASE, section_22=check.Section22Test(incidental, of_a_nature), section_22_funding=asked
    )
    terms = check.check(case)
    assert terms.section_22_met is (incidental and of_a_nature)
    assert (terms.funding is not None) is (not terms.section_22_met)


def test_r12_best_interests_a_stable_condition_and_a_managed_risk() -> None:
    unstable = replace(CASE.risk, stability=check.Stability.UNSTABLE)
    assert rule_of(replace(CASE, best_interests=False)) == "R12"
    assert rule_of(replace(CASE, risk=unstable)) == "R12"
    assert rule_of(replace(CASE, risk=replace(CASE.risk, mitigations=()))) == "R12"


def test_r13_the_accountable_practitioner_must_be_on_record() -> None:
    assert rule_of(replace(CASE, practitioner_registration=" ")) == "R13"


def test_r10_r14_shared_care_delegate_that_fails_the_check_refuses_naming_the_rule() -> None:
    refusal = check.refusal(replace(CASE, task=IV))
    transition = rules.apply_shared_care(WAITING, SharedCareDecision.DELEGATE, 1, TODAY, refusal)
    assert transition is not None
    assert transition.state is ProposalState.REFUSED
    [decided] = transition.events
    assert isinstance(decided, DelegationDecided)
    assert (decided.outcome, decided.rule) == (DecisionOutcome.REFUSED, "R10")


def test_r14_shared_care_do_not_delegate_carries_no_rule() -> None:
    refusal = check.refusal(replace(CASE, task=IV))
    transition = rules.apply_shared_care(
        WAITING, SharedCareDecision.DO_NOT_DELEGATE, 1, TODAY, refusal
    )
    assert transition is not None
    [decided] = transition.events
    assert isinstance(decided, DelegationDecided)
    assert (decided.outcome, decided.rule) == (DecisionOutcome.REFUSED, None)


def test_r9_r12_the_mdt_route_uses_the_same_check() -> None:
    proposal = replace(WAITING, task_code="topical-cream", state=ProposalState.SUBMITTED)
    proposal = replace(proposal, practitioner_registration="12A3456E")
    approval = rules.MdtDecision(
        outcome=DecisionOutcome.APPROVED,
        members=CASE.members,
        risk=CASE.risk,
        best_interests=False,
        section_22=FAILED_S22,
    )
    with pytest.raises(RuleViolation) as refused:
        rules.decide(proposal, CREAM, approval, 1, TODAY)
    assert refused.value.rule == "R12"
    assert rules.decide(proposal, CREAM, replace(approval, best_interests=True), 1, TODAY).events
