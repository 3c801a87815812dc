"""R9, R12, R13, R19 in full, pure: the MDT's members and the person's part, the risk and
benefit assessment, the accountable practitioner's registration, the new support plan."""

from __future__ import annotations

import uuid
from dataclasses import replace

import pytest

from services.delegation.domain import decisions as check
from services.delegation.domain import proposals as rules
from services.delegation.domain.accountability import (
    Practitioner,
    ProfessionalBody,
    check_practitioner,
)
from services.delegation.domain.mdt import Involvement, NotInvolvedReason
from services.delegation.domain.reviews import Outcome, minutes_to_plan
from shared.errors import DomainError, InvalidInput, RuleViolation
from shared.events.delegation import DecisionOutcome, ReviewOutcome
from shared.events.vocabulary import Delegability, Direction, Setting, TaskCategory

CREAM = check.Task("topical-cream", TaskCategory.SKIN_INTEGRITY_AND_WOUNDS, Delegability.ROUTINE)
D = check.Discipline
NURSE = check.Member(D.REGISTERED_NURSE, "LPT", staff_id="n1")
SOCIAL_WORKER = check.Member(D.SOCIAL_WORKER, "LEICESTER-CITY-COUNCIL", staff_id="s1")
S = check.Stability
CASE = check.Case(
    task=CREAM,
    direction=Direction.HEALTH_TO_SOCIAL,
    members=(NURSE, SOCIAL_WORKER),
    risk=check.RiskAssessment(S.STABLE, check.Complexity.LOW, "skin heals", ("nurse visits",)),
    best_interests=True,
    section_22=check.Section22Test(True, True),
    practitioner_registration="12A3456E",
)
R = NotInvolvedReason
PLAN = check.SupportPlanRef(uuid.uuid4(), 2)


def refused(case: check.Case) -> tuple[str, str | None] | None:
    found = check.refusal(case)
    return None if found is None else (found.rule, found.field)


def field_of(error: DomainError) -> str:
    return str(error.extensions["errors"][0]["field"])


# R9 ------------------------------------------------------------------------------------------


def test_r9_a_member_not_present_does_not_count_towards_the_disciplines() -> None:
    absent = replace(SOCIAL_WORKER, present=False)
    assert refused(replace(CASE, members=(NURSE, absent))) == ("R9", "members")
    assert refused(replace(CASE, members=(NURSE, absent, SOCIAL_WORKER))) is None


def test_r9_each_member_is_recorded_once() -> None:
    with pytest.raises(InvalidInput) as stopped:
        rules.check_mdt((NURSE, SOCIAL_WORKER, replace(NURSE, organisation="C82001")))
    assert "n1" in stopped.value.detail


@pytest.mark.parametrize(
    ("involvement", "field"),
    [
        (Involvement(person=False), "person_not_involved_reason"),
        (Involvement(family_or_carers=False), "family_not_involved_reason"),
        # a reason that does not fit the party it is given for
        (Involvement(person=False, person_reason=R.NO_FAMILY_OR_CARERS), "person_not_involved"),
        (Involvement(family_or_carers=False, family_reason=R.LACKS_CAPACITY), "family_not_"),
        # a reason for a party that was involved contradicts the record
        (Involvement(person_reason=R.DECLINED), "person_not_involved_reason"),
    ],
)
def test_r9_a_party_not_involved_needs_a_coded_reason_that_fits_them(
    involvement: Involvement, field: str
) -> None:
    with pytest.raises(InvalidInput) as stopped:
        rules.check_mdt((NURSE, SOCIAL_WORKER), involvement)
    assert field_of(stopped.value).startswith(field)


def test_r9_a_person_lacking_capacity_with_no_family_is_decided_on_the_recorded_reasons() -> None:
    alone = Involvement(False, False, R.LACKS_CAPACITY, R.NO_FAMILY_OR_CARERS)
    rules.check_mdt((NURSE, SOCIAL_WORKER), alone)  # does not raise


# R12 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("stability", [S.UNSTABLE, S.FLUCTUATING])
def test_r12_a_changing_condition_is_delegated_under_closer_oversight_not_refused(
    stability: check.Stability,
) -> None:
    weekly = replace(CASE.risk, stability=stability, oversight_interval_days=7)
    assert refused(replace(CASE, risk=weekly)) is None


@pytest.mark.parametrize("interval", [None, 8, 28])
def test_r12_a_changing_condition_without_at_least_weekly_oversight_is_refused(
    interval: int | None,
) -> None:
    risk = replace(CASE.risk, stability=S.FLUCTUATING, oversight_interval_days=interval)
    assert refused(replace(CASE, risk=risk)) == ("R12", "risk.oversight_interval_days")


def test_r12_a_stable_condition_needs_no_oversight_interval() -> None:
    assert refused(CASE) is None


def test_r12_a_highly_complex_task_needs_a_clinical_justification() -> None:
    complex_task = replace(CASE, risk=replace(CASE.risk, complexity=check.Complexity.HIGH))
    assert refused(complex_task) == ("R12", "clinical_justification")
    justified = replace(complex_task, clinical_justification="TVN-led plan; carers observed x3")
    assert refused(justified) is None


def test_r12_a_highly_complex_task_is_not_delegated_while_the_condition_is_unstable() -> None:
    risk = replace(
        CASE.risk, complexity=check.Complexity.HIGH, stability=S.UNSTABLE, oversight_interval_days=1
    )
    case = replace(CASE, risk=risk, clinical_justification="the nurse trusts the carers")
    assert refused(case) == ("R12", "risk.complexity")


def test_r12_the_expected_outcome_must_be_recorded() -> None:
    blank = replace(CASE, risk=replace(CASE.risk, expected_outcome="  "))
    assert refused(blank) == ("R12", "risk.expected_outcome")


# R13 -----------------------------------------------------------------------------------------

P = ProfessionalBody
HEALTH, SOCIAL = TaskCategory.SKIN_INTEGRITY_AND_WOUNDS, TaskCategory.SOCIAL_CARE


@pytest.mark.parametrize(
    ("body", "number"),
    [
        (P.NMC, "12A3456E"),
        (P.NMC, "85y0123e"),  # as typed: the register's capitals are restored
        (P.HCPC, "PA123456"),
        (P.HCPC, "OT12345"),
        (P.GMC, "1234567"),
        (P.GPHC, "2071234"),
    ],
)
def test_r13_a_registration_in_its_registers_form_is_accepted(body: P, number: str) -> None:
    check_practitioner(Practitioner(body, number, True), HEALTH)  # does not raise


@pytest.mark.parametrize(
    ("body", "number"),
    [
        (P.NMC, "1234567"),  # a GMC number on the NMC register
        (P.NMC, "12A3456"),
        (P.HCPC, "123456"),
        (P.GMC, "12A3456E"),
        (P.GMC, "123456"),
        (P.GPHC, "PA123456"),
        (P.SWE, "12345"),
    ],
)
def test_r13_a_registration_not_in_its_registers_form_is_refused_naming_the_field(
    body: P, number: str
) -> None:
    category = SOCIAL if body is P.SWE else HEALTH
    with pytest.raises(RuleViolation) as stopped:
        check_practitioner(Practitioner(body, number, True), category)
    assert stopped.value.rule == "R13"
    assert field_of(stopped.value) == "practitioner.registration_number"


def test_r13_a_social_work_england_registrant_cannot_delegate_a_healthcare_task() -> None:
    with pytest.raises(RuleViolation) as stopped:
        check_practitioner(Practitioner(P.SWE, "SW123456", True), HEALTH)
    assert field_of(stopped.value) == "practitioner.professional_body"
    check_practitioner(Practitioner(P.SWE, "SW123456", True), SOCIAL)  # a social care task: theirs


@pytest.mark.parametrize(("body", "number"), [(P.NMC, "12A3456E"), (P.GMC, "1234567")])
def test_r13_a_nurse_or_doctor_cannot_delegate_a_social_care_task(body: P, number: str) -> None:
    with pytest.raises(RuleViolation) as stopped:
        check_practitioner(Practitioner(body, number, True), SOCIAL)
    assert field_of(stopped.value) == "practitioner.professional_body"


def test_r13_an_allied_health_professional_delegates_either_kind_of_task() -> None:
    for category in (HEALTH, SOCIAL):
        check_practitioner(Practitioner(P.HCPC, "OT12345", True), category)  # does not raise


# R19 -----------------------------------------------------------------------------------------


def test_r19_extra_minutes_need_the_new_support_plan_the_mdt_agreed() -> None:
    assert refused(replace(CASE, minutes_to_plan=30)) == ("R19", "new_support_plan")
    assert refused(replace(CASE, minutes_to_plan=30, new_support_plan=PLAN)) is None


def test_r19_a_task_that_fits_the_support_plan_needs_no_new_one() -> None:
    assert refused(replace(CASE, minutes_to_plan=0)) is None


def test_r19_the_mdt_decision_asks_the_new_plan_of_the_proposals_extra_minutes() -> None:
    proposal = rules.Proposal(
        uuid.uuid4(),
        uuid.uuid4(),
        CREAM.code,
        CREAM.category,
        Direction.HEALTH_TO_SOCIAL,
        Setting.OWN_HOME,
        practitioner_registration="12A3456E",
        additional_minutes_per_week=30,
    )
    decision = rules.MdtDecision(
        outcome=DecisionOutcome.APPROVED,
        members=CASE.members,
        risk=CASE.risk,
        best_interests=True,
        section_22=CASE.section_22,
    )
    assert refused(rules.case_of(proposal, CREAM, decision)) == ("R19", "new_support_plan")
    agreed = replace(decision, new_support_plan=PLAN)
    assert refused(rules.case_of(proposal, CREAM, agreed)) is None


def test_r19_a_review_that_changes_the_minutes_commits_them_to_a_new_plan() -> None:
    assert minutes_to_plan(Outcome(ReviewOutcome.CHANGE_MINUTES, 45)) == 45
    assert minutes_to_plan(Outcome(ReviewOutcome.CHANGE_MINUTES, 0)) == 0
    assert minutes_to_plan(Outcome(ReviewOutcome.CONTINUE)) == 0
