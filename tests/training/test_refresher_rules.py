"""R25 pure: intervals from the plans in force, refreshers falling due, lapses when missed."""

from __future__ import annotations

from datetime import date
from uuid import uuid4

import pytest

from services.training.domain import competence, expiry, refreshers
from services.training.domain.competence import TrainingKind
from services.training.domain.dates import add_months
from services.training.domain.expiry import HeldCompetence
from services.training.domain.refreshers import Intervals
from shared.errors import RuleViolation
from shared.events.training import CompetenceOutcome, LapseCause

ASSESSED = date(2026, 1, 5)


def held(refresher_due_on: date | None, valid_until: date = date(2027, 1, 5)) -> HeldCompetence:
    return HeldCompetence(uuid4(), "task", None, "PROVIDER", valid_until, refresher_due_on)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 5), 3, date(2026, 4, 5)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2027, 11, 30), 3, date(2028, 2, 29)),
        (date(2026, 12, 15), 12, date(2027, 12, 15)),
    ],
)
def test_r25_intervals_are_whole_months_ending_on_the_months_last_day_when_shorter(
    day: date, months: int, expected: date
) -> None:
    assert add_months(day, months) == expected


def test_r25_the_strictest_interval_of_each_kind_applies_and_none_without_a_plan() -> None:
    assert refreshers.strictest([Intervals(12, 6), Intervals(3, 24)]) == Intervals(3, 6)
    assert refreshers.strictest([]) is None


def test_r25_a_competence_past_the_reassessment_interval_is_refused_naming_valid_until() -> None:
    refreshers.check_within_reassessment(date(2026, 7, 5), ASSESSED, Intervals(3, 6))
    refreshers.check_within_reassessment(date(2029, 1, 5), ASSESSED, None)
    with pytest.raises(RuleViolation) as refused:
        refreshers.check_within_reassessment(date(2026, 7, 6), ASSESSED, Intervals(3, 6))
    assert refused.value.rule == "R25"
    assert refused.value.extensions["errors"][0]["field"] == "valid_until"


@pytest.mark.parametrize(
    ("done", "expected"),
    [
        ([], date(2026, 4, 5)),
        ([date(2026, 3, 20)], date(2026, 6, 20)),
        ([date(2026, 3, 20), date(2026, 6, 1)], date(2026, 9, 1)),
        ([date(2026, 4, 6)], date(2026, 4, 5)),  # done late: it does not revive the competence
        ([date(2025, 12, 1)], date(2026, 4, 5)),  # before the assessment: it does not count
    ],
)
def test_r25_a_refresher_is_due_its_interval_after_the_assessment_or_the_last_one_in_time(
    done: list[date], expected: date
) -> None:
    assert refreshers.refresher_due_on(ASSESSED, done, 3) == expected


@pytest.mark.parametrize(
    ("today", "announced"),
    [
        (date(2026, 3, 5), False),
        (date(2026, 3, 6), True),
        (date(2026, 4, 5), True),
        (date(2026, 4, 6), False),
    ],
)
def test_r25_a_refresher_is_announced_from_30_days_before_its_day(
    today: date, announced: bool
) -> None:
    due = expiry.refresher_due(held(date(2026, 4, 5)), uuid4(), today, noticed=set())
    assert (due is not None) is announced


def test_r25_a_refresher_is_announced_once() -> None:
    noticed = {date(2026, 4, 5)}
    assert expiry.refresher_due(held(date(2026, 4, 5)), uuid4(), date(2026, 3, 20), noticed) is None


def test_r25_a_missed_refresher_lapses_the_competence_the_day_after_its_day() -> None:
    competence = held(date(2026, 4, 5))
    assert expiry.lapse_due(competence, date(2026, 4, 5)) is None
    lapsed = expiry.lapse_due(competence, date(2026, 4, 6))
    assert lapsed is not None
    assert (lapsed.lapsed_on, lapsed.cause) == (date(2026, 4, 6), LapseCause.REFRESHER_MISSED)


def test_r16_an_expiry_before_the_refresher_day_lapses_as_expired() -> None:
    competence = held(date(2026, 4, 5), valid_until=date(2026, 3, 1))
    lapsed = expiry.lapse_due(competence, date(2026, 3, 1))
    assert lapsed is not None
    assert (lapsed.lapsed_on, lapsed.cause) == (date(2026, 3, 1), LapseCause.EXPIRED)


def test_r25_a_refresher_done_in_time_counts_only_after_the_assessment_and_by_its_day() -> None:
    assert refreshers.done_in_time(date(2026, 4, 5), ASSESSED, date(2026, 4, 5))
    assert not refreshers.done_in_time(date(2026, 4, 6), ASSESSED, date(2026, 4, 5))
    assert not refreshers.done_in_time(date(2026, 1, 4), ASSESSED, date(2026, 4, 5))


def test_r16_r25_refresher_training_alone_does_not_stand_for_knowledge_and_skills() -> None:
    request = competence.AssessmentRequest(
        assessment_id=uuid4(),
        worker_id=uuid4(),
        task_code="task",
        person_id=None,
        provider_organisation="PROVIDER",
        outcome=CompetenceOutcome.COMPETENT,
        assessed_on=ASSESSED,
        valid_until=date(2026, 7, 5),
        reassessment_on=None,
        further_training=None,
        framework_version=1,
        plan_intervals=Intervals(3, 6),
    )
    only_refresher = [competence.TrainingDone(TrainingKind.REFRESHER, ASSESSED, None)]
    with pytest.raises(RuleViolation) as refused:
        competence.assess_competence(request, only_refresher, [], 2)
    assert refused.value.rule == "R16"
