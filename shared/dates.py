"""Plausible dates, in one place: what a schema admits, and what a handler checks against today.

A schema cannot know today (tests and journeys move the clock), so it bounds dates to a sanity
range that keeps every date computation far from the calendar's ends (0001-01-01 and 9999-12-31
gave 500s); the handler then checks the day against the session's today with `not_in_future` or
`expiry_within`, which answer 422 naming the field.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import Field

from shared.errors import InvalidInput

EARLIEST = date(1900, 1, 1)  # no fact the platform records (a birth, an assessment) is older
LATEST = date(2199, 12, 31)  # a sanity bound only: far beyond any clock a test sets
# No competence, training, delegation or agreement runs longer: a later expiry is a slip of the
# keyboard (9999-12-31), not a policy.
MAX_EXPIRY_YEARS = 10


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _bounded(earliest: date, latest: date) -> object:
    return Field(
        ge=earliest,
        le=latest,
        # JSON Schema has no bounds for dates (`formatMinimum` is an ajv extension OpenAPI
        # linters refuse): the bounds are said in words and as extensions.
        description=f"a date from {earliest.isoformat()} to {latest.isoformat()}",
        json_schema_extra={
            "x-earliest": earliest.isoformat(),
            "x-latest": latest.isoformat(),
        },
    )


# A day something happened (an occurrence, an assessment, a period's ends): from 1900 on. The
# handler refuses a day after today with `not_in_future`.
PastDate = Annotated[date, _bounded(EARLIEST, LATEST)]
# A day something stops counting (valid until, expires on). The handler refuses one further than
# the policy allows with `expiry_within`.
ExpiryDate = Annotated[date, _bounded(EARLIEST, add_years(LATEST, MAX_EXPIRY_YEARS))]


def not_in_future(field: str, value: date, today: date) -> date:
    """`value`, unless it is after today: then 422 naming the field."""
    if value > today:
        raise InvalidInput(field, f"{value} is in the future (today is {today})")
    return value


def expiry_within(field: str, value: date, today: date, years: int = MAX_EXPIRY_YEARS) -> date:
    """`value`, unless it is more than `years` after today: then 422 naming the field."""
    latest = add_years(today, years)
    if value > latest:
        raise InvalidInput(
            field, f"{value} is more than {years} years away; the latest accepted is {latest}"
        )
    return value
