"""Training's dates: a fact recorded (training completed, an instruction given, release for
training) happened between 1900 and today; a competence, or a reassessment, falls due after
today and within the policy's maximum.

Schemas bound each date with `shared.dates` (PastDate, ExpiryDate); these check the day against
the session's today, which only a handler knows (tests and journeys move the clock). Each
refusal is a 422 naming the field.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date

from shared.dates import EARLIEST, expiry_within, not_in_future
from shared.errors import InvalidInput

# Policy: a competence sign-off lasts three years at most, so every worker is reassessed at
# least every three years (a training plan may ask for sooner, R25). An expiry further away is
# a slip of the keyboard (9999-12-31), never a sign-off. A reassessment after a failed one is
# due within the same span.
MAX_COMPETENCE_YEARS = 3


def check_past(field: str, value: date, today: date) -> None:
    """A fact recorded happened on or before today, and not before 1900."""
    if value < EARLIEST:
        raise InvalidInput(field, f"{value} is before {EARLIEST}")
    not_in_future(field, value, today)


def check_due(field: str, value: date, today: date, years: int = MAX_COMPETENCE_YEARS) -> None:
    """An expiry or a reassessment falls after today and within `years` of it."""
    if value <= today:
        raise InvalidInput(field, f"{value} is not after today ({today})")
    expiry_within(field, value, today, years)


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or the month's last day, when it is shorter)."""
    years, month = divmod(day.month - 1 + months, 12)
    year = day.year + years
    return day.replace(year=year, month=month + 1, day=min(day.day, monthrange(year, month + 1)[1]))
