"""R7 and R6 decided pure: what a consent covers, when it is linked, what withdrawal stops; the
assessing organisation and the kinds of assessment."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from services.assessment.domain.assessments import AssessmentKind, assessing_organisation
from services.assessment.domain.consents import ConsentFact, WentLive, link, may_record_consent
from services.assessment.domain.plans import Plan, PlanTask, without_consent
from shared.errors import Conflict, RuleViolation

PERSON = uuid.uuid4()
TASK = "steroid-cream"
DAY = date(2026, 1, 5)


def given_consent(
    provider: str | None = None,
    delegation_id: uuid.UUID | None = None,
    linked_to: uuid.UUID | None = None,
    withdrawn: bool = False,
) -> ConsentFact:
    return ConsentFact(
        uuid.uuid4(),
        TASK,
        delegation_id,
        withdrawn,
        provider_organisation=provider,
        linked_delegation_id=linked_to,
    )


def went_live(provider: str = "PROVIDER-A", delegation_id: uuid.UUID | None = None) -> WentLive:
    return WentLive(PERSON, delegation_id or uuid.uuid4(), TASK, provider, DAY)


def test_r7_a_task_wide_consent_is_linked_to_the_first_delegation_that_goes_live() -> None:
    task_wide = given_consent()
    first = went_live("PROVIDER-A")

    [linked] = link(first, [task_wide])

    assert (linked.consent_id, linked.delegation_id) == (task_wide.consent_id, first.delegation_id)
    assert (linked.provider_organisation, linked.linked_on) == ("PROVIDER-A", DAY)


def test_r7_a_linked_consent_is_not_open_to_a_later_delegation_to_another_provider() -> None:
    first = went_live("PROVIDER-A")
    linked = given_consent(linked_to=first.delegation_id)

    assert link(went_live("PROVIDER-B"), [linked]) == []
    assert not linked.open_to(TASK, "PROVIDER-B")


def test_r7_consent_for_one_provider_is_linked_only_to_a_delegation_to_that_provider() -> None:
    for_a = given_consent(provider="PROVIDER-A")

    assert link(went_live("PROVIDER-B"), [for_a]) == []
    assert [c.consent_id for c in link(went_live("PROVIDER-A"), [for_a])] == [for_a.consent_id]


def test_r7_withdrawn_consent_or_one_for_a_named_delegation_is_never_linked() -> None:
    named = given_consent(delegation_id=uuid.uuid4())

    assert link(went_live(), [given_consent(withdrawn=True), named]) == []


def test_r7_a_fresh_task_wide_consent_may_follow_one_already_linked() -> None:
    linked = given_consent(linked_to=uuid.uuid4())

    may_record_consent(PERSON, TASK, None, DAY, DAY, [linked])


def test_r7_consent_for_a_delegation_already_covered_by_a_linked_consent_is_a_409() -> None:
    delegation_id = uuid.uuid4()
    linked = given_consent(linked_to=delegation_id)

    with pytest.raises(Conflict) as refused:
        may_record_consent(PERSON, TASK, delegation_id, DAY, DAY, [linked])

    assert refused.value.extensions["rule"] == "R7"


def test_r7_consent_for_the_same_provider_twice_is_a_409_another_provider_is_not() -> None:
    for_a = given_consent(provider="PROVIDER-A")

    with pytest.raises(Conflict):
        may_record_consent(
            PERSON, TASK, None, DAY, DAY, [for_a], provider_organisation="PROVIDER-A"
        )
    may_record_consent(PERSON, TASK, None, DAY, DAY, [for_a], provider_organisation="PROVIDER-B")


def test_r7_withdrawal_takes_the_linked_task_off_the_plan_and_leaves_the_others() -> None:
    mine, other = uuid.uuid4(), uuid.uuid4()
    consent = given_consent(linked_to=mine)
    plan = Plan(
        version=3,
        tasks=(PlanTask(mine, TASK, "PROVIDER-A"), PlanTask(other, TASK, "PROVIDER-B")),
        consent_ids=(consent.consent_id,),
    )

    new = without_consent(plan, consent)

    assert (new.version, new.consent_ids) == (4, ())
    assert [t.delegation_id for t in new.tasks] == [other]


def test_r7_withdrawal_of_an_unlinked_consent_stops_every_task_it_could_cover() -> None:
    consent = given_consent(provider="PROVIDER-A")
    a, b = PlanTask(uuid.uuid4(), TASK, "PROVIDER-A"), PlanTask(uuid.uuid4(), TASK, "PROVIDER-B")
    other_task = PlanTask(uuid.uuid4(), "eye-drops", "PROVIDER-A")

    new = without_consent(Plan(version=1, tasks=(a, b, other_task)), consent)

    assert new.tasks == (b, other_task)


def test_r6_the_framework_kinds_of_assessment_are_enumerated() -> None:
    assert {k.value for k in AssessmentKind} == {
        "care_act_needs",
        "carers",
        "health_needs",
        "chc_checklist",
        "chc_decision_support_tool",
    }


def test_r6_the_assessing_organisation_is_the_callers_never_another() -> None:
    assert assessing_organisation("LPT", None) == "LPT"
    assert assessing_organisation("LPT", "LPT") == "LPT"
    with pytest.raises(RuleViolation) as refused:
        assessing_organisation("LPT", "LEICESTER-CITY-COUNCIL")
    assert refused.value.rule == "R6"
    assert refused.value.extensions["errors"][0]["field"] == "partner_organisation"
