"""R25: the refresher training and reassessment intervals a training plan sets take effect.

A competence lasts no longer than the strictest reassessment interval of the plans in force
that cover the worker in the task; a refresher falls due the strictest refresher interval after
the assessment (or the last refresher done in time), is announced 30 days before, and missed
past its day the competence lapses the day after.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from services.training.domain.dates import add_months
from shared.errors import RuleViolation

NOTICE_DAYS = 30


@dataclass(frozen=True)
class Intervals:
    refresher_months: int
    reassessment_months: int


def intervals_of(content: Mapping[str, Any]) -> Intervals:
    """The intervals an agreed plan's content records (whole months, as its schema says)."""
    return Intervals(content["refresher_interval_months"], content["reassessment_interval_months"])


def strictest(intervals: Iterable[Intervals]) -> Intervals | None:
    """The shortest of each interval over the plans in force (None: no plan covers it)."""
    found = list(intervals)
    if not found:
        return None
    return Intervals(
        min(i.refresher_months for i in found), min(i.reassessment_months for i in found)
    )


def check_within_reassessment(
    valid_until: date | None, assessed_on: date, intervals: Intervals | None
) -> None:
    """R25: a competent outcome lasts no longer than the plan's reassessment interval."""
    if valid_until is None or intervals is None:
        return
    latest = add_months(assessed_on, intervals.reassessment_months)
    if valid_until > latest:
        raise RuleViolation(
            "R25",
            f"the training plan asks for reassessment every {intervals.reassessment_months} "
            f"months: the competence lasts until {latest} at the latest",
            errors=[{"field": "valid_until", "reason": f"after {latest}, required by R25"}],
        )


def refresher_due_on(assessed_on: date, refreshers: Collection[date], months: int) -> date:
    """The day the next refresher is due by: `months` after the assessment, moved on by each
    refresher done by its day (one done late does not revive the competence)."""
    done = assessed_on
    for day in sorted(r for r in refreshers if r >= assessed_on):
        if day > add_months(done, months):
            break
        done = day
    return add_months(done, months)


def missed_from(due_on: date) -> date:
    """The first day a competence no longer counts when its refresher was not done by `due_on`."""
    return due_on + timedelta(days=1)


def notice_due(due_on: date, today: date, noticed: Collection[date]) -> bool:
    """The refresher is announced once, from 30 days before its day until it is missed."""
    return due_on - timedelta(days=NOTICE_DAYS) <= today <= due_on and due_on not in noticed


def done_in_time(completed_on: date, assessed_on: date, due_on: date) -> bool:
    """A refresher counts for the one due when done after the assessment and by its day."""
    return assessed_on <= completed_on <= due_on
