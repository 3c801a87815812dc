"""R7 and support plans, decided pure: lawful basis, one consent in force, versions follow."""

from __future__ import annotations

import uuid
from datetime import date

import pytest

from services.assessment.domain.consents import (
    ConsentFact,
    lawful_basis,
    may_record_consent,
    may_withdraw,
)
from services.assessment.domain.plans import (
    Plan,
    PlanTask,
    next_version,
    with_task,
    without_task,
)
from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.events.assessment import ConsentGivenBy

PERSON = uuid.uuid4()
GIVEN = date(2026, 1, 4)
TODAY = date(2026, 1, 5)


def given_fact(withdrawn: bool = False) -> ConsentFact:
    return ConsentFact(uuid.uuid4(), "steroid-cream", None, withdrawn)


def test_r7_the_person_consents_without_a_reference() -> None:
    lawful_basis(ConsentGivenBy.PERSON, None, None, GIVEN)


@pytest.mark.parametrize(
    "given_by", [ConsentGivenBy.LASTING_POWER_OF_ATTORNEY, ConsentGivenBy.COURT_DEPUTY]
)
def test_r7_an_attorney_or_deputy_shows_their_authority(given_by: ConsentGivenBy) -> None:
    with pytest.raises(RuleViolation) as refused:
        lawful_basis(given_by, None, None, GIVEN)
    assert refused.value.rule == "R7"
    lawful_basis(given_by, "ORDER-1", None, GIVEN)


def test_r7_a_best_interests_decision_follows_a_capacity_assessment() -> None:
    with pytest.raises(RuleViolation):
        lawful_basis(ConsentGivenBy.BEST_INTERESTS_DECISION, None, None, GIVEN)
    with pytest.raises(InvalidInput):
        lawful_basis(ConsentGivenBy.BEST_INTERESTS_DECISION, None, date(2026, 1, 5), GIVEN)
    lawful_basis(ConsentGivenBy.BEST_INTERESTS_DECISION, None, date(2026, 1, 3), GIVEN)


def test_r7_consent_in_force_to_the_same_task_is_not_recorded_twice() -> None:
    fact = given_fact()
    with pytest.raises(Conflict) as refused:
        may_record_consent(PERSON, "steroid-cream", None, GIVEN, TODAY, [fact])
    assert refused.value.extensions["existing"] == f"/people/{PERSON}/consents/{fact.consent_id}"


def test_r7_after_withdrawal_consent_may_be_given_again() -> None:
    may_record_consent(PERSON, "steroid-cream", None, GIVEN, TODAY, [given_fact(withdrawn=True)])


def test_r7_consent_cannot_be_dated_in_the_future() -> None:
    with pytest.raises(InvalidInput):
        may_record_consent(PERSON, "eye-drops", None, date(2026, 2, 1), TODAY, [])


def test_r7_withdrawn_consent_cannot_be_withdrawn_again() -> None:
    with pytest.raises(Conflict):
        may_withdraw(given_fact(withdrawn=True), GIVEN, TODAY, TODAY)


def test_a_plan_version_follows_the_latest_and_a_stale_writer_loses() -> None:
    assert next_version(Plan(version=3)) == 4
    with pytest.raises(Conflict):
        next_version(Plan(version=3), based_on_version=2)


def test_a_task_joins_a_plan_once_and_leaves_it_once() -> None:
    task = PlanTask(uuid.uuid4(), "steroid-cream", "PROVIDER-1")
    joined = with_task(Plan(version=1), task)
    assert joined is not None
    assert (joined.version, joined.tasks) == (2, (task,))
    assert with_task(joined, task) is None
    left = without_task(joined, task.delegation_id)
    assert left is not None
    assert (left.version, left.tasks) == (3, ())
    assert without_task(left, task.delegation_id) is None
