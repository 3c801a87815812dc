"""R28 equality monitoring: Framework use per protected characteristic, small counts suppressed."""

from collections import Counter
from collections.abc import Mapping, Sequence
from enum import StrEnum

from services.assessment.domain.people import CHARACTERISTICS, NOT_DECLARED, values_of
from shared.events.assessment import EqualityCount

SUPPRESS_BELOW = 5


class Measure(StrEnum):
    """What counts as use of the Framework, from delegation's and funding's events."""

    PROPOSALS = "proposals"
    APPROVALS = "approvals"
    REFUSALS = "refusals"
    ESCALATIONS = "escalations"
    DISPUTES = "disputes"


Use = tuple[Measure, Mapping[str, str] | None]  # a use and the person's profile, if declared


def equality_rows(uses: Sequence[Use], suppress_below: int = SUPPRESS_BELOW) -> list[EqualityCount]:
    """Every value of every characteristic for every measure; a count under 5 is withheld."""
    counts: Counter[tuple[str, str, Measure]] = Counter()
    for measure, profile in uses:
        for characteristic in CHARACTERISTICS:
            value = (profile or {}).get(characteristic, NOT_DECLARED)
            counts[(characteristic, value, measure)] += 1
    return [
        EqualityCount(
            characteristic=characteristic,
            value=value,
            measure=measure.value,
            count=_published(counts[(characteristic, value, measure)], suppress_below),
        )
        for characteristic in CHARACTERISTICS
        for value in values_of(characteristic)
        for measure in Measure
    ]


def _published(count: int, suppress_below: int) -> int | None:
    # Small numbers could identify a person: every count under the threshold, zero included, is
    # withheld, so that a zero cannot be told apart from a one.
    return None if count < suppress_below else count
