"""The delegation rules, pure and fast: R1, R9-R18, R23, R26, R29."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.delegation.domain import decisions as check
from services.delegation.domain import delegations, gates
from services.delegation.domain import proposals as rules
from services.delegation.domain.accountability import ProfessionalBody
from services.delegation.domain.occurrences import became_regular
from services.delegation.domain.reviews import (
    add_months,
    regular_review_due,
    regular_reviews_due,
)
from shared.errors import Forbidden, InvalidInput, RuleViolation
from shared.events.delegation import (
    DecisionOutcome,
    DelegationDecided,
    SharedCareQuestion,
    SharedCareRequested,
    Stance,
    SuspensionReason,
)
from shared.events.vocabulary import (
    Delegability,
    Direction,
    OversightKind,
    Setting,
    TaskCategory,
)

CREAM = check.Task("topical-cream", TaskCategory.SKIN_INTEGRITY_AND_WOUNDS, Delegability.ROUTINE)
IV = check.Task("iv-drug-administration", TaskCategory.SPECIALISED_MEDICATION, Delegability.NEVER)
WOUND = check.Task(
    "complex-wound-dressing", TaskCategory.SKIN_INTEGRITY_AND_WOUNDS, Delegability.CASE_BY_CASE
)
WASHING = check.Task("personal-care-washing", TaskCategory.SOCIAL_CARE, Delegability.ROUTINE)
SAFEGUARDING = check.Task(
    "adult-safeguarding-enquiry", TaskCategory.SOCIAL_CARE, Delegability.SOCIAL_CARE_ONLY
)
PROPOSAL = rules.Proposal(
    uuid.uuid4(),
    uuid.uuid4(),
    "topical-cream",
    TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
    Direction.HEALTH_TO_SOCIAL,
    Setting.OWN_HOME,
    practitioner_registration="12A3456E",
)
APPROVAL = rules.MdtDecision(
    outcome=DecisionOutcome.APPROVED,
    members=(
        check.Member(check.Discipline.REGISTERED_NURSE, "LPT"),
        check.Member(check.Discipline.SOCIAL_WORKER, "RUTLAND-COUNTY-COUNCIL"),
    ),
    risk=check.RiskAssessment(
        check.Stability.STABLE, check.Complexity.LOW, "heals", ("nurse visits",)
    ),
    best_interests=True,
    section_22=check.Section22Test(True, True),
    recorded_by="LPT",  # R9: a member of an organisation at the MDT records it
)
TODAY = date(2026, 1, 5)
NURSE = rules.Practitioner(ProfessionalBody.NMC, "12A3456E", True)
SOCIAL_WORKER = rules.Practitioner(ProfessionalBody.SWE, "SW123456", True)


def rule_of(call: object) -> str:
    assert callable(call)
    with pytest.raises(RuleViolation) as stopped:
        call()
    return stopped.value.rule


def test_r1_direction_must_fit_the_task() -> None:
    assert rule_of(lambda: rules.check_proposal(WASHING, Direction.HEALTH_TO_SOCIAL, NURSE)) == "R1"
    assert rule_of(lambda: rules.check_proposal(CREAM, Direction.SOCIAL_TO_HEALTH, NURSE)) == "R1"
    rules.check_proposal(WASHING, Direction.SOCIAL_TO_HEALTH, SOCIAL_WORKER)
    rules.check_proposal(CREAM, Direction.HEALTH_TO_SOCIAL, NURSE)


def test_r13_an_incompetent_delegating_practitioner_cannot_propose() -> None:
    incompetent = replace(NURSE, competent_in_task=False)
    to_social = Direction.HEALTH_TO_SOCIAL
    assert rule_of(lambda: rules.check_proposal(CREAM, to_social, incompetent)) == "R13"


def test_r9_the_member_recording_the_decision_is_of_an_organisation_present_at_the_mdt() -> None:
    absent = (*APPROVAL.members, check.Member(check.Discipline.DOCTOR, "UHL", present=False))
    for decision in (
        replace(APPROVAL, recorded_by="LLR-ICB"),  # not at the meeting
        replace(APPROVAL, members=absent, recorded_by="UHL"),  # named, but not present
    ):
        with pytest.raises(Forbidden):
            rules.decide(PROPOSAL, CREAM, decision, 1, TODAY)
    [decided] = rules.decide(PROPOSAL, CREAM, replace(APPROVAL, members=absent), 1, TODAY).events
    assert isinstance(decided, DelegationDecided)
    assert decided.mdt_organisations == ["LPT", "RUTLAND-COUNTY-COUNCIL"]  # UHL was not there


def test_r9_the_mdt_needs_health_and_social_care_disciplines() -> None:
    nurses_only = replace(APPROVAL, members=(check.Member(check.Discipline.DOCTOR, "GP"),))
    assert rule_of(lambda: rules.decide(PROPOSAL, CREAM, nurses_only, 1, TODAY)) == "R9"


def test_r10_never_delegable_tasks_cannot_be_approved() -> None:
    assert rule_of(lambda: rules.decide(PROPOSAL, IV, APPROVAL, 1, TODAY)) == "R10"


def test_r10_a_removed_task_cannot_be_proposed() -> None:
    removed = replace(CREAM, active=False)
    to_social = Direction.HEALTH_TO_SOCIAL
    assert rule_of(lambda: rules.check_proposal(removed, to_social, NURSE)) == "R10"


def test_r10_case_by_case_needs_a_clinical_justification() -> None:
    assert rule_of(lambda: rules.decide(PROPOSAL, WOUND, APPROVAL, 1, TODAY)) == "R10"
    justified = replace(APPROVAL, clinical_justification="superficial, stable, TVN plan")
    assert rules.decide(PROPOSAL, WOUND, justified, 1, TODAY).events


def test_r11_health_to_social_must_record_the_section_22_test() -> None:
    decision = replace(APPROVAL, section_22=None)
    assert rule_of(lambda: rules.decide(PROPOSAL, CREAM, decision, 1, TODAY)) == "R11"


def test_r11_does_not_apply_to_social_to_health() -> None:
    proposal = replace(PROPOSAL, direction=Direction.SOCIAL_TO_HEALTH)
    assert rules.decide(proposal, WASHING, replace(APPROVAL, section_22=None), 1, TODAY).events


def test_r12_best_interests_oversight_of_an_unstable_condition_and_mitigations() -> None:
    unstable = replace(APPROVAL.risk, stability=check.Stability.UNSTABLE)
    unmitigated = replace(APPROVAL.risk, mitigations=())
    for decision in (
        replace(APPROVAL, best_interests=False),
        replace(APPROVAL, risk=unstable),
        replace(APPROVAL, risk=unmitigated),
    ):
        assert rule_of(lambda d=decision: rules.decide(PROPOSAL, CREAM, d, 1, TODAY)) == "R12"


def test_r12_a_refusal_needs_reasons_but_no_approval_checks() -> None:
    refusal = replace(APPROVAL, outcome=DecisionOutcome.REFUSED, best_interests=False)
    with pytest.raises(InvalidInput):
        rules.decide(PROPOSAL, IV, refusal, 1, TODAY)
    [event] = rules.decide(PROPOSAL, IV, replace(refusal, reasons="nurse only"), 1, TODAY).events
    assert isinstance(event, DelegationDecided)
    assert event.outcome is DecisionOutcome.REFUSED


def test_r14_no_consensus_requests_a_shared_care_discussion() -> None:
    stuck = replace(
        APPROVAL,
        outcome=DecisionOutcome.NO_CONSENSUS,
        members=(
            check.Member(check.Discipline.REGISTERED_NURSE, "LPT", Stance.DELEGATE),
            check.Member(
                check.Discipline.SOCIAL_WORKER, "RUTLAND-COUNTY-COUNCIL", Stance.DO_NOT_DELEGATE
            ),
        ),
        question_code=SharedCareQuestion.RISK_ACCEPTABLE,
        question="May Mrs Smith's carers do it?",  # an earlier client's words: never sent
    )
    decided, requested = rules.decide(PROPOSAL, CREAM, stuck, 1, TODAY).events
    assert isinstance(requested, SharedCareRequested)
    assert requested.question == (
        "Whether the risk of delegating the task is acceptable: task topical-cream, "
        "health_to_social, own_home"
    )
    assert requested.positions == [
        "registered_nurse (LPT): delegate",
        "social_worker (RUTLAND-COUNTY-COUNCIL): do not delegate",
    ]
    assert [(p.discipline, p.stance) for p in requested.stances] == [
        (check.Discipline.REGISTERED_NURSE, Stance.DELEGATE),
        (check.Discipline.SOCIAL_WORKER, Stance.DO_NOT_DELEGATE),
    ]
    assert isinstance(decided, DelegationDecided)
    assert decided.outcome is DecisionOutcome.NO_CONSENSUS


def test_r14_an_earlier_clients_words_stay_out_of_the_shared_care_request() -> None:
    stuck = replace(
        APPROVAL,
        outcome=DecisionOutcome.NO_CONSENSUS,
        question="May Mrs Smith (943 476 5919) have carers do it?",
        positions=("nurse: yes", "social worker: no"),
    )
    _, requested = rules.decide(PROPOSAL, CREAM, stuck, 1, TODAY).events
    assert isinstance(requested, SharedCareRequested)
    assert requested.question_code is SharedCareQuestion.MAY_DELEGATE
    assert "Smith" not in requested.model_dump_json()
    assert requested.positions == [
        "registered_nurse (LPT): stance not coded",
        "social_worker (RUTLAND-COUNTY-COUNCIL): stance not coded",
    ]


def test_r14_no_consensus_needs_differing_stances() -> None:
    agreed = tuple(replace(m, stance=Stance.DELEGATE) for m in APPROVAL.members)
    stuck = replace(APPROVAL, outcome=DecisionOutcome.NO_CONSENSUS, members=agreed)
    with pytest.raises(InvalidInput):
        rules.decide(PROPOSAL, CREAM, stuck, 1, TODAY)
    with pytest.raises(InvalidInput):  # neither stances nor an earlier client's positions
        rules.decide(PROPOSAL, CREAM, replace(stuck, members=APPROVAL.members), 1, TODAY)


def test_r29_the_decision_records_the_framework_version() -> None:
    [event] = rules.decide(PROPOSAL, CREAM, APPROVAL, 3, TODAY).events
    assert isinstance(event, DelegationDecided)
    assert (event.framework_version, event.decided_on) == (3, TODAY)


def accountable(direction: Direction, section_22_met: bool | None) -> str:
    return delegations.accountable_organisation(direction, section_22_met, "ICB", "LA")


def test_r13_r19_accountable_organisation_follows_the_direction() -> None:
    assert accountable(Direction.SOCIAL_TO_HEALTH, None) == "LA"


def test_r19_r11_a_health_task_failing_s22_is_accountable_to_the_icb_never_the_council() -> None:
    """NHS-funded or a joint package alike: the council may not meet that need (A 4.6, A 4.8)."""
    assert accountable(Direction.HEALTH_TO_SOCIAL, False) == "ICB"


def test_r19_r11_a_health_task_the_council_may_meet_as_social_care_is_the_councils() -> None:
    assert accountable(Direction.HEALTH_TO_SOCIAL, True) == "LA"


def test_r19_a_health_task_with_no_s22_test_on_record_is_never_the_councils() -> None:
    assert accountable(Direction.HEALTH_TO_SOCIAL, None) == "ICB"


def test_r18_nhs_duty_of_care_is_retained_on_health_tasks() -> None:
    assert rules.nhs_duty_of_care_retained(Direction.HEALTH_TO_SOCIAL) is True
    assert rules.nhs_duty_of_care_retained(Direction.SOCIAL_TO_HEALTH) is False


def accepting(
    workers: list[uuid.UUID], training: bool, supervision: bool, insurance: bool
) -> delegations.Acceptance:
    return delegations.Acceptance(tuple(workers), training, supervision, insurance)


def test_r15_acceptance_needs_workers_training_supervision_and_insurance() -> None:
    worker = [uuid.uuid4()]
    assert rule_of(lambda: delegations.check_acceptance(accepting([], True, True, True))) == "R15"
    assert (
        rule_of(lambda: delegations.check_acceptance(accepting(worker, False, True, True))) == "R15"
    )
    assert (
        rule_of(lambda: delegations.check_acceptance(accepting(worker, True, False, True))) == "R15"
    )
    assert (
        rule_of(lambda: delegations.check_acceptance(accepting(worker, True, True, False))) == "R15"
    )
    delegations.check_acceptance(accepting(worker, True, True, True))


def test_r16_a_competence_counts_before_valid_until_and_lapses_on_that_day() -> None:
    record = [delegations.CompetenceRecord(True, TODAY)]
    day_before = TODAY - timedelta(days=1)
    assert delegations.standing(record, False, day_before) is delegations.WorkerStanding.IN_DATE
    assert delegations.standing(record, False, TODAY) is delegations.WorkerStanding.LAPSED
    assert not hasattr(gates, "competence_in_date")


def test_r16_r24_every_named_worker_must_be_competent_and_planned() -> None:
    a, b = uuid.uuid4(), uuid.uuid4()
    facts = gates.Readiness(True, True, (a, b), frozenset({a}), frozenset({a, b}), True, "call")
    states = {s.gate: s for s in gates.gates(facts)}
    assert not states[gates.Gate.COMPETENCE].green
    assert str(b) in (states[gates.Gate.COMPETENCE].waiting_for or "")
    assert states[gates.Gate.TRAINING_PLAN].green
    assert not gates.all_green(list(states.values()))
    ready = replace(facts, competent_workers=frozenset({a, b}))
    assert gates.all_green(gates.gates(ready))


def test_r17_oversight_needs_contact_arrangements() -> None:
    a = uuid.uuid4()
    facts = gates.Readiness(True, True, (a,), frozenset({a}), frozenset({a}), True, " ")
    [oversight] = [s for s in gates.gates(facts) if s.gate is gates.Gate.CLINICAL_OVERSIGHT]
    assert (oversight.rule, oversight.green) == ("R17", False)


def test_r17_oversight_is_chs_when_open_else_the_gp_practice() -> None:
    assert delegations.oversight_for(True, "C82001", "LPT") == delegations.Oversight(
        OversightKind.COMMUNITY_HEALTH_SERVICES, "LPT"
    )
    assert delegations.oversight_for(False, "C82001", "LPT") == delegations.Oversight(
        OversightKind.PRIMARY_CARE, "C82001"
    )


def test_r17_a_task_needing_no_specific_training_is_overseen_by_primary_care() -> None:
    """A 5.13: medication prompts, eye drops: the GP practice even while open to CHS."""
    assert delegations.oversight_for(True, "C82001", "LPT", False) == delegations.Oversight(
        OversightKind.PRIMARY_CARE, "C82001"
    )


def test_r7_r16_what_suspends_a_live_delegation() -> None:
    assert delegations.suspension_reason(False, 2) is SuspensionReason.CONSENT_WITHDRAWN
    assert delegations.suspension_reason(True, 0) is SuspensionReason.NO_COMPETENT_WORKER
    assert delegations.suspension_reason(True, 1) is None


def test_r23_ad_hoc_becomes_regular_at_the_threshold_within_the_period() -> None:
    on = date(2026, 2, 1)
    inside = [on, on - timedelta(days=10), on - timedelta(days=27)]
    assert became_regular(inside, on, 3, 28)
    assert not became_regular([*inside[:2], on - timedelta(days=28)], on, 3, 28)


starts = st.dates(min_value=date(2022, 10, 1), max_value=date(2100, 12, 31))


@given(starts)
def test_r26_first_review_is_three_months_after_the_start(start: date) -> None:
    first = regular_review_due(start, 0)
    months = (first.year - start.year) * 12 + first.month - start.month
    assert months == 3
    assert first.day <= start.day
    assert timedelta(days=89) <= first - start <= timedelta(days=92)


@given(starts, st.integers(min_value=0, max_value=20))
def test_r26_later_reviews_are_at_most_twelve_months_apart(start: date, number: int) -> None:
    this, following = regular_review_due(start, number), regular_review_due(start, number + 1)
    assert (following.year - this.year, following.month) == (1, this.month)
    assert timedelta(days=365) <= following - this <= timedelta(days=366)


@given(starts, st.integers(min_value=0, max_value=3000))
def test_r26_every_review_due_by_today_is_raised_exactly_once(start: date, days: int) -> None:
    today = start + timedelta(days=days)
    due = regular_reviews_due(start, 0, today)
    assert [n for n, _ in due] == list(range(len(due)))
    assert all(on <= today for _, on in due)
    assert regular_review_due(start, len(due)) > today
    raised_later = regular_reviews_due(start, len(due), today)
    assert raised_later == []


@given(starts, st.integers(min_value=-1200, max_value=1200))
def test_add_months_keeps_the_day_or_the_months_last_day(start: date, months: int) -> None:
    moved = add_months(start, months)
    assert (moved.year * 12 + moved.month) - (start.year * 12 + start.month) == months
    assert moved.day == start.day or (moved + timedelta(days=1)).day == 1
