"""R5 Care Act eligibility, assessed over time when needs fluctuate."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from fractions import Fraction

from shared.errors import InvalidInput


class Outcome(StrEnum):
    """The ten outcomes of the Care Act eligibility regulations (A 4.4)."""

    NUTRITION = "managing_and_maintaining_nutrition"
    PERSONAL_HYGIENE = "maintaining_personal_hygiene"
    TOILET_NEEDS = "managing_toilet_needs"
    CLOTHING = "being_appropriately_clothed"
    HOME_SAFETY = "using_the_home_safely"
    HABITABLE_HOME = "maintaining_a_habitable_home_environment"
    RELATIONSHIPS = "developing_and_maintaining_family_or_other_personal_relationships"
    WORK_AND_EDUCATION = "accessing_work_training_education_or_volunteering"
    COMMUNITY_SERVICES = "using_community_facilities_and_services_including_public_transport"
    CARING_FOR_A_CHILD = "carrying_out_caring_responsibilities_for_a_child"


class Reason(StrEnum):
    """Why an outcome counts as one the person is unable to achieve."""

    UNABLE_WITHOUT_HELP = "unable_without_help"
    SIGNIFICANT_PAIN_DISTRESS_OR_ANXIETY = "with_help_but_significant_pain_distress_or_anxiety"
    ENDANGERS_HEALTH_OR_SAFETY = "endangers_health_or_safety"
    TAKES_SIGNIFICANTLY_LONGER = "takes_significantly_longer_than_normal"


class Condition(StrEnum):
    """The three conditions that must all hold for needs to be eligible."""

    ARISE_FROM_IMPAIRMENT_OR_ILLNESS = "needs_arise_from_impairment_or_illness"
    TWO_OR_MORE_OUTCOMES = "unable_to_achieve_two_or_more_outcomes"
    SIGNIFICANT_IMPACT_ON_WELLBEING = "significant_impact_on_wellbeing"


# A fluctuating need is judged over the period observed: an outcome counts as one the person is
# unable to achieve when they were unable on at least this share of the observations.
DEFAULT_SHARE = Fraction(1, 2)


@dataclass(frozen=True)
class Observation:
    """One dated observation: the outcomes the person was unable to achieve that day, and why."""

    observed_on: date
    unable: Mapping[Outcome, frozenset[Reason]]


@dataclass(frozen=True)
class Determination:
    eligible: bool
    failed_conditions: tuple[Condition, ...]
    unable_outcomes: Mapping[Outcome, frozenset[Reason]] = field(default_factory=dict)
    observations: int = 1


def observation(observed_on: date, unable: Mapping[Outcome, Sequence[Reason]]) -> Observation:
    """An observation whose every unable outcome says why (at least one reason)."""
    for outcome, reasons in unable.items():
        if not reasons:
            raise InvalidInput("reasons", f"say why {outcome} cannot be achieved")
    return Observation(observed_on, {o: frozenset(r) for o, r in unable.items()})


def unable_over_time(
    observations: Sequence[Observation], share: Fraction = DEFAULT_SHARE
) -> dict[Outcome, frozenset[Reason]]:
    """The outcomes unable on at least `share` of the observations, with every reason seen."""
    if not observations:
        raise InvalidInput("observations", "at least one observation is needed")
    if len({o.observed_on for o in observations}) != len(observations):
        raise InvalidInput("observations", "one observation per date")
    counted: dict[Outcome, frozenset[Reason]] = {}
    for outcome in Outcome:
        days = [o.unable[outcome] for o in observations if outcome in o.unable]
        if Fraction(len(days), len(observations)) >= share:
            counted[outcome] = frozenset().union(*days)
    return counted


def determine_eligibility(
    *,
    arise_from_impairment_or_illness: bool,
    observations: Sequence[Observation],
    significant_impact_on_wellbeing: bool,
    share: Fraction = DEFAULT_SHARE,
) -> Determination:
    """R5: eligible when all three conditions hold; otherwise say which failed."""
    unable = unable_over_time(observations, share)
    held = {
        Condition.ARISE_FROM_IMPAIRMENT_OR_ILLNESS: arise_from_impairment_or_illness,
        Condition.TWO_OR_MORE_OUTCOMES: len(unable) >= 2,
        Condition.SIGNIFICANT_IMPACT_ON_WELLBEING: significant_impact_on_wellbeing,
    }
    failed = tuple(condition for condition, holds in held.items() if not holds)
    return Determination(not failed, failed, unable, len(observations))
