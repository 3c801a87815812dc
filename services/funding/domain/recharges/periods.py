"""Recharge periods: monthly or four-weekly, each issued once, in order, after it has ended."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from services.funding.domain import dates
from shared.errors import Conflict, InvalidInput
from shared.lifecycle import Lifecycle

FOUR_WEEKS = timedelta(days=28)


class Cadence(StrEnum):
    MONTHLY = "monthly"
    FOUR_WEEKLY = "four_weekly"


class PeriodState(StrEnum):
    OPEN = "open"
    ISSUED = "issued"


class PeriodCommand(StrEnum):
    ISSUE = "issued"


PERIOD: Lifecycle[PeriodState, PeriodCommand] = Lifecycle(
    "recharge period", {(PeriodState.OPEN, PeriodCommand.ISSUE): PeriodState.ISSUED}
)


@dataclass(frozen=True)
class Period:
    """The days [start, end) of one statement."""

    cadence: Cadence
    start: date
    end: date

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)


def period_at(cadence: Cadence, start: date, anchor: date, field: str) -> Period:
    """The period that starts on `start`: the first of a month, or a multiple of 28 days from
    the four-weekly anchor (else 422 naming the field)."""
    dates.check_plausible(start, field)
    if cadence is Cadence.MONTHLY:
        if start.day != 1:
            raise InvalidInput(field, "a monthly period starts on the first of a month")
    elif (start - anchor).days % FOUR_WEEKS.days:
        raise InvalidInput(
            field, f"a four-weekly period starts a multiple of 28 days from {anchor}"
        )
    return starting(cadence, start)


def starting(cadence: Cadence, start: date) -> Period:
    """The period of a cadence that starts on `start` (a boundary already checked)."""
    if cadence is Cadence.MONTHLY:
        return Period(cadence, start, dates.add_months(start, 1))
    return Period(cadence, start, start + FOUR_WEEKS)


def following(period: Period) -> Period:
    return starting(period.cadence, period.end)


def may_issue(
    period: Period,
    today: date,
    issued: Sequence[tuple[Cadence, date]],
    state: PeriodState,
) -> PeriodState:
    """A period is issued once, after its last day, in the organisation's one cadence, and
    right after the latest issued one, so that no period's lines are left out; re-issue is
    refused (409)."""
    new_state = PERIOD.next(state, PeriodCommand.ISSUE)
    if today < period.end:
        raise InvalidInput("period_start", f"the period runs until {period.last_day}")
    if not issued:
        return new_state
    cadence, latest = max(issued, key=lambda c_s: c_s[1])
    if cadence is not period.cadence:
        raise Conflict(f"your organisation issues {cadence} statements")
    expected = starting(cadence, latest).end
    if period.start != expected:
        raise Conflict(
            f"the period to issue next starts on {expected} (the latest issued started on "
            f"{latest})",
            next_period_start=expected.isoformat(),
        )
    return new_state
