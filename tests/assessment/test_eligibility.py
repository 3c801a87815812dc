"""R5: Care Act eligibility, with the failed condition named, and fluctuating needs over time."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.assessment.domain.eligibility import (
    Condition,
    Observation,
    Outcome,
    Reason,
    determine_eligibility,
    observation,
    unable_over_time,
)
from shared.errors import InvalidInput

DAY = date(2026, 1, 1)
HELP = frozenset({Reason.UNABLE_WITHOUT_HELP})


def given_day(*outcomes: Outcome, on: date = DAY) -> Observation:
    return Observation(on, {o: HELP for o in outcomes})


def decide(
    *observations: Observation, impairment: bool = True, impact: bool = True
) -> tuple[bool, tuple[Condition, ...]]:
    result = determine_eligibility(
        arise_from_impairment_or_illness=impairment,
        observations=observations,
        significant_impact_on_wellbeing=impact,
    )
    return result.eligible, result.failed_conditions


def test_r5_two_outcomes_from_an_illness_with_significant_impact_are_eligible() -> None:
    assert decide(given_day(Outcome.NUTRITION, Outcome.TOILET_NEEDS)) == (True, ())


def test_r5_one_outcome_is_not_eligible_and_says_so() -> None:
    assert decide(given_day(Outcome.NUTRITION)) == (False, (Condition.TWO_OR_MORE_OUTCOMES,))


def test_r5_needs_not_from_impairment_or_illness_are_not_eligible() -> None:
    eligible, failed = decide(given_day(*Outcome), impairment=False)
    assert (eligible, failed) == (False, (Condition.ARISE_FROM_IMPAIRMENT_OR_ILLNESS,))


def test_r5_no_significant_impact_on_wellbeing_is_not_eligible() -> None:
    eligible, failed = decide(given_day(*Outcome), impact=False)
    assert (eligible, failed) == (False, (Condition.SIGNIFICANT_IMPACT_ON_WELLBEING,))


def test_r5_every_failed_condition_is_named() -> None:
    assert decide(given_day(), impairment=False, impact=False) == (False, tuple(Condition))


@pytest.mark.parametrize("reason", list(Reason))
def test_r5_each_of_the_four_reasons_makes_an_outcome_unable(reason: Reason) -> None:
    day = observation(DAY, {Outcome.NUTRITION: [reason], Outcome.CLOTHING: [reason]})
    assert decide(day) == (True, ())


def test_r5_an_unable_outcome_must_say_why() -> None:
    with pytest.raises(InvalidInput) as refused:
        observation(DAY, {Outcome.NUTRITION: []})
    assert refused.value.extensions["errors"][0]["field"] == "reasons"


def test_r5_fluctuating_needs_are_judged_over_the_period_not_one_day() -> None:
    """Unable on two days of four (half) counts; unable on one day of four does not."""
    days = [DAY + timedelta(days=n) for n in range(4)]
    observations = [
        given_day(Outcome.NUTRITION, Outcome.TOILET_NEEDS, on=days[0]),
        given_day(Outcome.NUTRITION, on=days[1]),
        given_day(on=days[2]),
        given_day(on=days[3]),
    ]
    assert set(unable_over_time(observations)) == {Outcome.NUTRITION}
    assert decide(*observations) == (False, (Condition.TWO_OR_MORE_OUTCOMES,))


def test_r5_a_good_day_does_not_hide_needs_seen_on_most_days() -> None:
    days = [DAY + timedelta(days=n) for n in range(3)]
    both = (Outcome.NUTRITION, Outcome.HOME_SAFETY)
    observations = [
        given_day(*both, on=days[0]),
        given_day(*both, on=days[1]),
        given_day(on=days[2]),
    ]
    assert decide(*observations) == (True, ())


def test_r5_the_share_that_counts_is_a_parameter() -> None:
    observations = [given_day(Outcome.NUTRITION, on=DAY), given_day(on=DAY + timedelta(days=1))]
    assert unable_over_time(observations, Fraction(3, 4)) == {}


def test_r5_two_observations_on_one_date_are_refused() -> None:
    with pytest.raises(InvalidInput):
        unable_over_time([given_day(on=DAY), given_day(on=DAY)])


outcome_sets = st.sets(st.sampled_from(list(Outcome)))


@given(
    unable=st.sets(st.sampled_from(list(Outcome)), max_size=1),
    impairment=st.booleans(),
    impact=st.booleans(),
)
def test_r5_property_never_eligible_with_fewer_than_two_outcomes(
    unable: set[Outcome], impairment: bool, impact: bool
) -> None:
    eligible, failed = decide(given_day(*unable), impairment=impairment, impact=impact)
    assert not eligible
    assert Condition.TWO_OR_MORE_OUTCOMES in failed


@given(unable=st.sets(st.sampled_from(list(Outcome)), min_size=2))
def test_r5_property_always_eligible_when_all_three_conditions_hold(unable: set[Outcome]) -> None:
    assert decide(given_day(*unable)) == (True, ())


@given(unable=outcome_sets, impairment=st.booleans(), impact=st.booleans())
def test_r5_property_eligible_exactly_when_no_condition_failed(
    unable: set[Outcome], impairment: bool, impact: bool
) -> None:
    eligible, failed = decide(given_day(*unable), impairment=impairment, impact=impact)
    assert eligible == (failed == ())
    assert eligible == (impairment and impact and len(unable) >= 2)


@given(
    days=st.lists(outcome_sets, min_size=1, max_size=12),
)
def test_r5_property_an_outcome_counts_when_unable_on_at_least_half_the_observations(
    days: list[set[Outcome]],
) -> None:
    observations = [given_day(*d, on=DAY + timedelta(days=n)) for n, d in enumerate(days)]
    counted = unable_over_time(observations)
    for outcome in Outcome:
        share = sum(outcome in d for d in days) / len(days)
        assert (outcome in counted) == (share >= 0.5)
