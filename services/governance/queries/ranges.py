"""Date-range filters of the lists: each end included, either may be absent."""

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import InstrumentedAttribute


def on_days(
    query: Select[Any], column: InstrumentedAttribute[date], start: date | None, end: date | None
) -> Select[Any]:
    """Rows whose `column` (a date) falls from `start` to `end`."""
    if start is not None:
        query = query.where(column >= start)
    if end is not None:
        query = query.where(column <= end)
    return query


def at_instants(
    query: Select[Any],
    column: InstrumentedAttribute[datetime],
    start: date | None,
    end: date | None,
) -> Select[Any]:
    """Rows whose `column` (an instant) falls on a UTC day from `start` to `end`."""
    if start is not None:
        query = query.where(column >= datetime.combine(start, time(), UTC))
    if end is not None:
        query = query.where(column < datetime.combine(end + timedelta(days=1), time(), UTC))
    return query
