"""The dates funding accepts: the platform's plausible bounds (`shared.dates`), and statement
periods no longer than a maximum span, so that no date a request can carry overflows a
calculation (a 5xx).

Rates and joint package terms may start after today, so their bound is the plausible range
rather than today; a funding decision is further bounded by R20 (from the start date to today).
"""

import calendar
from datetime import date, timedelta

from shared.dates import EARLIEST, LATEST
from shared.errors import InvalidInput

MAX_PERIOD = timedelta(days=3 * 366)  # a statement covers at most three years


def check_plausible(day: date, field: str) -> None:
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(field, f"must be between {EARLIEST} and {LATEST}")


def check_period(start: date, end: date, start_field: str, end_field: str) -> None:
    """A period's days `start`..`end` (both included): plausible, in order, at most the span."""
    check_plausible(start, start_field)
    check_plausible(end, end_field)
    if end < start:
        raise InvalidInput(end_field, f"is before {start_field}")
    if end - start >= MAX_PERIOD:
        raise InvalidInput(end_field, f"the period is longer than {MAX_PERIOD.days} days")


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
