"""Plausible training dates: a fact recorded (training completed, an instruction given, release
for training) happened between 1900 and today; a competence, or a reassessment, is due within
the policy's maximum of today.

The schemas bound every date to EARLIEST..LATEST, a sanity range that keeps date arithmetic far
from the calendar's ends; these functions check the day against the session's today, which only
a handler knows (tests and journeys move the clock). Each refusal is a 422 naming the field.
"""

from __future__ import annotations

from datetime import date

from shared.errors import InvalidInput

EARLIEST = date(1900, 1, 1)  # nothing the training service records is older
LATEST = date(2199, 12, 31)  # a sanity bound for schemas only, far beyond any clock a test sets

# Policy: a competence sign-off lasts three years at most, so every worker is reassessed at
# least every three years (a training plan may ask for sooner, R25). An expiry further away is
# a slip of the keyboard (9999-12-31), never a sign-off. A reassessment after a failed one is
# due within the same span.
MAX_COMPETENCE_YEARS = 3


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def check_past(field: str, value: date, today: date) -> None:
    """A fact recorded happened on or before today, and not before 1900."""
    if value < EARLIEST:
        raise InvalidInput(field, f"{value} is before {EARLIEST}")
    if value > today:
        raise InvalidInput(field, f"{value} is in the future (today is {today})")


def check_due(field: str, value: date, today: date, years: int = MAX_COMPETENCE_YEARS) -> None:
    """An expiry or a reassessment falls after today and within `years` of it."""
    latest = add_years(today, years)
    if value <= today:
        raise InvalidInput(field, f"{value} is not after today ({today})")
    if value > latest:
        raise InvalidInput(
            field, f"{value} is more than {years} years away; the latest accepted is {latest}"
        )
