"""Review schedule (R26) and ad hoc tasks becoming regular (R23)."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date, timedelta

FIRST_REVIEW_MONTHS = 3
REVIEW_INTERVAL_MONTHS = 12


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def regular_review_due(start: date, number: int) -> date:
    """R26: review 0 three months after the start, then every twelve months."""
    return add_months(start, FIRST_REVIEW_MONTHS + REVIEW_INTERVAL_MONTHS * number)


def regular_reviews_due(start: date, already_due: int, today: date) -> list[tuple[int, date]]:
    """R26: the regular reviews that have fallen due by `today` and are not yet raised."""
    due = []
    number = already_due
    while (on := regular_review_due(start, number)) <= today:
        due.append((number, on))
        number += 1
    return due


def became_regular(occurrences: Iterable[date], on: date, threshold: int, period_days: int) -> bool:
    """R23: ad hoc occurrences have become regular when `threshold` fall within the period."""
    since = on - timedelta(days=period_days - 1)
    return sum(1 for day in occurrences if since <= day <= on) >= threshold
