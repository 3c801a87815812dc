"""The training rules, pure and fast: R16 competence first, R24/R25 plans, warnings, backfill."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.training.domain import competence, expiry, plans
from services.training.domain.competence import (
    AssessmentRequest,
    PastAssessment,
    TrainingDone,
    TrainingKind,
)
from services.training.domain.expiry import HeldCompetence
from services.training.domain.plans import PlanFacts, PlanStatus
from shared.errors import Conflict, Forbidden, InvalidInput, RuleViolation
from shared.events.training import CompetenceOutcome, in_date
from tests.training.builders import plan_content

TODAY = date(2026, 1, 5)
COMPETENT = CompetenceOutcome.COMPETENT
NOT_YET = CompetenceOutcome.NOT_YET_COMPETENT
TRAINED = [
    TrainingDone(TrainingKind.KNOWLEDGE, TODAY, None),
    TrainingDone(TrainingKind.SKILLS, TODAY, None),
]


def given_plan(status: PlanStatus = PlanStatus.REQUIRED, workers: int = 2) -> PlanFacts:
    return PlanFacts(
        uuid4(), uuid4(), "task", "PROVIDER", status, [uuid4() for _ in range(workers)]
    )


def given_request(outcome: CompetenceOutcome = COMPETENT, **changes: object) -> AssessmentRequest:
    values: dict[str, object] = {
        "assessment_id": uuid4(),
        "worker_id": uuid4(),
        "task_code": "task",
        "person_id": None,
        "provider_organisation": "PROVIDER",
        "outcome": outcome,
        "assessed_on": TODAY,
        "valid_until": TODAY + timedelta(days=365) if outcome is COMPETENT else None,
        "reassessment_on": None if outcome is COMPETENT else TODAY + timedelta(days=14),
        "further_training": None if outcome is COMPETENT else "supervised practice",
        "framework_version": 1,
    }
    return AssessmentRequest(**{**values, **changes})  # type: ignore[arg-type]


ACCOUNTABLE = plans.Practitioner("registered_practitioner", "LPT", is_health=True, accountable=True)


@pytest.mark.parametrize("item", list(plans.PLAN_ITEMS))
def test_r24_r25_a_plan_missing_any_item_is_refused_naming_it(item: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        plans.agree_as_provider(PlanStatus.REQUIRED, plan_content(**{item: None}))
    assert refused.value.rule == ("R24" if item in plans.R24_ITEMS else "R25")
    assert refused.value.extensions["errors"][0]["field"] == item


def test_r24_the_plan_says_how_training_is_provided_who_assesses_support_and_review() -> None:
    assert set(plans.R24_ITEMS) == {
        "knowledge_training",
        "skills_training",
        "ongoing_support",
        "clinical_review",
    }
    assert set(plans.R24_ITEMS) <= set(plans.PLAN_ITEMS)


def test_r25_a_blank_item_inside_a_section_counts_as_missing() -> None:
    content = plan_content(
        skills_training={"delivered_by": "DN", "competence_assessed_by": " ", "standard": "x"}
    )
    with pytest.raises(RuleViolation) as refused:
        plans.agree_as_provider(PlanStatus.REQUIRED, content)
    assert refused.value.extensions["errors"][0]["field"] == "skills_training"


def test_r24_the_providers_agreement_alone_does_not_put_the_plan_in_force() -> None:
    status = plans.agree_as_provider(PlanStatus.REQUIRED, plan_content())
    assert status is PlanStatus.AGREED_BY_PROVIDER


def test_r24_the_accountable_practitioners_agreement_announces_each_worker_once() -> None:
    plan = given_plan(PlanStatus.AGREED_BY_PROVIDER, workers=3)
    status, events = plans.agree_as_practitioner(plan, ACCOUNTABLE, TODAY)
    assert status is PlanStatus.IN_FORCE
    assert [e.worker_id for e in events] == list(plan.worker_ids)
    assert {(e.plan_id, e.agreed_on, e.practitioner_organisation) for e in events} == {
        (plan.plan_id, TODAY, "LPT")
    }


@pytest.mark.parametrize(
    "practitioner",
    [
        plans.Practitioner("provider_manager", "LPT", is_health=True, accountable=True),
        plans.Practitioner("registered_practitioner", "LPT", is_health=True, accountable=False),
        plans.Practitioner("registered_practitioner", "LA", is_health=False, accountable=True),
        plans.Practitioner("registered_practitioner", "PROVIDER", is_health=True, accountable=True),
    ],
)
def test_r24_only_the_accountable_nhs_practitioner_agrees_for_the_clinical_side(
    practitioner: plans.Practitioner,
) -> None:
    plan = given_plan(PlanStatus.AGREED_BY_PROVIDER)
    with pytest.raises(Forbidden, match="R24"):
        plans.agree_as_practitioner(plan, practitioner, TODAY)
    with pytest.raises(Forbidden, match="R24"):
        plans.return_to_provider(plan, practitioner, "not safe as written")


@pytest.mark.parametrize("status", [PlanStatus.REQUIRED, PlanStatus.IN_FORCE, PlanStatus.WITHDRAWN])
def test_r24_the_practitioner_agrees_only_a_plan_the_provider_agreed(status: PlanStatus) -> None:
    with pytest.raises(Conflict):
        plans.agree_as_practitioner(given_plan(status), ACCOUNTABLE, TODAY)


def test_r24_a_returned_plan_goes_back_to_the_provider_with_a_reason() -> None:
    plan = given_plan(PlanStatus.AGREED_BY_PROVIDER)
    assert plans.return_to_provider(plan, ACCOUNTABLE, "add a night-time review") is (
        PlanStatus.REQUIRED
    )
    with pytest.raises(InvalidInput) as refused:
        plans.return_to_provider(plan, ACCOUNTABLE, "  ")
    assert refused.value.extensions["errors"][0]["field"] == "reason"


@pytest.mark.parametrize(
    "status", [PlanStatus.AGREED_BY_PROVIDER, PlanStatus.IN_FORCE, PlanStatus.WITHDRAWN]
)
def test_r24_only_a_plan_awaiting_the_provider_can_be_agreed_by_it(status: PlanStatus) -> None:
    with pytest.raises(Conflict):
        plans.agree_as_provider(status, plan_content())


def test_r24_only_a_plan_in_force_goes_on_the_support_plan() -> None:
    in_force = plans.InForce(uuid4(), "LPT", TODAY, 12, 6)
    entry = plans.on_support_plan(given_plan(PlanStatus.IN_FORCE), in_force)
    assert entry is not None
    assert (entry.person_id, entry.reassessment_interval_months) == (in_force.person_id, 6)
    assert plans.on_support_plan(given_plan(PlanStatus.AGREED_BY_PROVIDER), in_force) is None
    assert plans.on_support_plan(given_plan(PlanStatus.IN_FORCE), None) is None


@pytest.mark.parametrize("done", [[], TRAINED[:1], TRAINED[1:]])
def test_r16_competence_is_not_assessed_before_knowledge_and_skills_training(
    done: list[TrainingDone],
) -> None:
    with pytest.raises(RuleViolation) as refused:
        competence.assess_competence(given_request(), done, [], 2)
    assert refused.value.rule == "R16"


def test_r16_training_for_another_person_does_not_count() -> None:
    other_person = [TrainingDone(t.kind, t.completed_on, uuid4()) for t in TRAINED]
    with pytest.raises(RuleViolation):
        competence.assess_competence(given_request(person_id=uuid4()), other_person, [], 2)


def test_r16_a_trained_worker_assessed_competent_is_announced_with_the_expiry() -> None:
    decision = competence.assess_competence(given_request(), TRAINED, [], 2)
    assert decision.assessed.outcome is COMPETENT
    assert decision.assessed.valid_until == TODAY + timedelta(days=365)
    assert decision.escalated is None


def test_r16_a_competent_outcome_needs_a_later_expiry_date() -> None:
    with pytest.raises(InvalidInput) as refused:
        competence.assess_competence(given_request(valid_until=TODAY), TRAINED, [], 2)
    assert refused.value.extensions["errors"][0]["field"] == "valid_until"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reassessment_on": None}, "reassessment_on"),
        ({"reassessment_on": TODAY}, "reassessment_on"),
        ({"further_training": " "}, "further_training"),
    ],
)
def test_r25_not_yet_competent_needs_further_training_and_a_reassessment_date(
    changes: dict[str, object], field: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        competence.assess_competence(given_request(NOT_YET, **changes), TRAINED, [], 2)
    assert refused.value.rule == "R25"
    assert refused.value.extensions["errors"][0]["field"] == field


def test_r16_a_reassessment_after_a_failure_needs_further_training_first() -> None:
    failed = [PastAssessment(NOT_YET, TODAY - timedelta(days=1))]
    before_the_failure = [TrainingDone(k, TODAY - timedelta(days=5), None) for k in TrainingKind]
    with pytest.raises(RuleViolation) as refused:
        competence.assess_competence(given_request(), before_the_failure, failed, 2)
    assert refused.value.rule == "R16"
    decision = competence.assess_competence(given_request(), TRAINED, failed, 2)
    assert decision.assessed.outcome is COMPETENT


@given(threshold=st.integers(1, 6), outcomes=st.lists(st.booleans(), max_size=12))
def test_r25_the_provider_manager_is_told_once_each_time_failures_reach_the_setting(
    threshold: int, outcomes: list[bool]
) -> None:
    history: list[PastAssessment] = []
    escalations = 0
    for competent in outcomes:
        outcome = COMPETENT if competent else NOT_YET
        decision = competence.assess_competence(given_request(outcome), TRAINED, history, threshold)
        escalations += decision.escalated is not None
        if decision.escalated is not None:
            assert decision.escalated.failures == threshold
        history.append(PastAssessment(outcome, TODAY - timedelta(days=1)))
    runs = "".join("F" if not c else "." for c in outcomes).split(".")
    assert escalations == sum(1 for run in runs if len(run) >= threshold)


@given(days_left=st.integers(-400, 400))
def test_r16_a_worker_counts_competent_only_before_the_expiry_date(days_left: int) -> None:
    valid_until = TODAY + timedelta(days=days_left)
    assert competence.is_competent(COMPETENT, valid_until, False, TODAY) is (days_left > 0)
    assert competence.is_competent(NOT_YET, valid_until, False, TODAY) is False
    assert competence.is_competent(COMPETENT, valid_until, True, TODAY) is False


@given(valid_for=st.integers(1, 500), step=st.integers(1, 20))
def test_r16_warnings_at_90_60_30_days_come_once_each_then_one_lapse(
    valid_for: int, step: int
) -> None:
    held = HeldCompetence(uuid4(), "task", None, "PROVIDER", TODAY + timedelta(days=valid_for))
    warned: list[int] = []
    lapses = 0
    for day in range(0, valid_for + 3 * step, step):
        on = TODAY + timedelta(days=day)
        warning = expiry.expiry_warning_due(held, on, warned)
        if warning is not None:
            assert 0 < (held.valid_until - on).days <= warning.days_before
            warned.append(warning.days_before)
        if lapses == 0 and expiry.lapse_due(held, on) is not None:
            lapses += 1
    assert len(warned) == len(set(warned))
    assert warned == sorted(warned, reverse=True)
    assert lapses == 1


def test_r16_the_lapse_falls_on_the_expiry_date() -> None:
    held = HeldCompetence(uuid4(), "task", None, "PROVIDER", TODAY)
    lapsed = expiry.lapse_due(held, TODAY)
    assert lapsed is not None
    assert lapsed.lapsed_on == TODAY
    assert expiry.lapse_due(held, TODAY - timedelta(days=1)) is None


def test_r16_a_registered_practitioner_or_an_approved_assessor_assesses() -> None:
    competence.check_assessor("registered_practitioner", False)
    competence.check_assessor("care_worker", True)
    with pytest.raises(Forbidden):
        competence.check_assessor("care_worker", False)


@pytest.mark.parametrize(
    ("minutes", "rate", "pence"),
    [(60, 1050, 1050), (1, 1050, 18), (1, 1020, 17), (1, 1, 0), (30, 1, 1), (90, 1333, 2000)],
)
def test_r25_backfill_is_minutes_times_rate_over_60_rounded_half_up(
    minutes: int, rate: int, pence: int
) -> None:
    assert plans.backfill_cost_pence(minutes, rate) == pence


@given(minutes=st.integers(0, 100_000), rate=st.integers(0, 100_000))
def test_r25_backfill_is_within_half_a_penny_of_the_exact_cost_halves_rounded_up(
    minutes: int, rate: int
) -> None:
    exact = Fraction(minutes * rate, 60)
    cost = plans.backfill_cost_pence(minutes, rate)
    assert -Fraction(1, 2) < cost - exact <= Fraction(1, 2)


def test_r29_a_competent_sign_off_records_the_framework_version_in_force() -> None:
    decision = competence.assess_competence(given_request(framework_version=3), TRAINED, [], 2)
    assert decision.assessed.framework_version == 3


def test_r29_no_competent_sign_off_without_a_framework_version_in_force() -> None:
    with pytest.raises(RuleViolation) as refused:
        competence.assess_competence(given_request(framework_version=None), TRAINED, [], 2)
    assert refused.value.rule == "R29"


def test_r16_the_lapse_and_the_warnings_follow_the_one_in_date_boundary() -> None:
    held = HeldCompetence(uuid4(), "task", None, "PROVIDER", TODAY + timedelta(days=1))
    day_before, on_the_day = TODAY, TODAY + timedelta(days=1)
    assert in_date(held.valid_until, day_before)
    assert not in_date(held.valid_until, on_the_day)
    assert expiry.lapse_due(held, day_before) is None
    assert expiry.lapse_due(held, on_the_day) is not None
    assert expiry.expiry_warning_due(held, day_before, []) is not None
    assert expiry.expiry_warning_due(held, on_the_day, []) is None
    assert competence.is_competent(COMPETENT, held.valid_until, False, day_before) is True
    assert competence.is_competent(COMPETENT, held.valid_until, False, on_the_day) is False
