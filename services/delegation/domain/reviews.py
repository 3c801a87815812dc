"""The review's lifecycle and schedule (R26)."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from services.delegation.domain import Transition
from services.delegation.domain.delegations import RUNNING, Delegation
from shared.errors import Conflict, InvalidInput
from shared.events.delegation import ReviewCompleted, ReviewDue, ReviewOutcome, ReviewReason
from shared.lifecycle import Lifecycle

FIRST_REVIEW_MONTHS = 3
REVIEW_INTERVAL_MONTHS = 12


class ReviewState(StrEnum):
    DUE = "due"
    COMPLETED = "completed"


class ReviewCommand(StrEnum):
    COMPLETE = "completed"


LIFECYCLE: Lifecycle[ReviewState, ReviewCommand] = Lifecycle(
    "review", {(ReviewState.DUE, ReviewCommand.COMPLETE): ReviewState.COMPLETED}
)


@dataclass(frozen=True)
class Review:
    review_id: UUID
    state: ReviewState


@dataclass(frozen=True)
class Due:
    """R26, R8: when a review falls due, why, and whether it needs the MDT."""

    due_date: date
    reason: ReviewReason
    mdt_reassessment: bool = False


def fall_due(delegation: Delegation, review_id: UUID, due: Due) -> Transition[ReviewState]:
    """R26: a review falls due; ReviewDue says so, once (its trigger is unique)."""
    if delegation.state not in RUNNING:
        raise Conflict(f"delegation {delegation.delegation_id} is {delegation.state}")
    raised = ReviewDue(
        person_id=delegation.person_id,
        delegation_id=delegation.delegation_id,
        review_id=review_id,
        due_date=due.due_date,
        reason=due.reason,
        mdt_reassessment=due.mdt_reassessment,
    )
    return Transition(ReviewState.DUE, (raised,))


def regular_reason(number: int) -> ReviewReason:
    """R26: the first regular review is at three months, the rest twelve-monthly."""
    return ReviewReason.THREE_MONTHS if number == 0 else ReviewReason.TWELVE_MONTHS


@dataclass(frozen=True)
class Outcome:
    """R26: what the MDT decided at the review."""

    outcome: ReviewOutcome
    additional_minutes_per_week: int | None = None


def complete(
    review: Review,
    delegation: Delegation,
    outcome: Outcome,
    on: date,
    framework_version: int | None = None,
) -> Transition[ReviewState]:
    """R26, R29: the review's outcome under the Framework version in force; changed minutes
    are published for funding (R19)."""
    if not LIFECYCLE.allows(review.state, ReviewCommand.COMPLETE):
        raise Conflict(
            f"review {review.review_id} is already {review.state}",
            existing=f"/reviews/{review.review_id}",
            state=str(review.state),
        )
    state = LIFECYCLE.next(review.state, ReviewCommand.COMPLETE)
    if delegation.state not in RUNNING:
        raise Conflict(f"delegation {delegation.delegation_id} is {delegation.state}")
    completed = ReviewCompleted(
        person_id=delegation.person_id,
        delegation_id=delegation.delegation_id,
        review_id=review.review_id,
        outcome=outcome.outcome,
        additional_minutes_per_week=minutes_after(delegation, outcome),
        effective_date=on,
        framework_version=framework_version,
    )
    return Transition(state, (completed,))


def continues(outcome: Outcome) -> bool:
    """R10-R12: an outcome that keeps the task delegated passes the decision check again."""
    return outcome.outcome is not ReviewOutcome.END


def minutes_after(delegation: Delegation, outcome: Outcome) -> int:
    """R19, R26: the additional minutes a week once the review's outcome applies."""
    if outcome.outcome is not ReviewOutcome.CHANGE_MINUTES:
        return delegation.additional_minutes_per_week
    if outcome.additional_minutes_per_week is None:
        raise InvalidInput("additional_minutes_per_week", "say the new minutes a week")
    return outcome.additional_minutes_per_week


def minutes_to_plan(outcome: Outcome) -> int:
    """R19: the extra minutes a week a review commits: changed minutes need a new support plan,
    an outcome that keeps them as they were does not."""
    if outcome.outcome is not ReviewOutcome.CHANGE_MINUTES:
        return 0
    return outcome.additional_minutes_per_week or 0


def add_months(start: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it is shorter."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def regular_review_due(start: date, number: int) -> date:
    """R26: review 0 three months after the start, then every twelve months."""
    return add_months(start, FIRST_REVIEW_MONTHS + REVIEW_INTERVAL_MONTHS * number)


def following(start: date, number: int, clock_from: date | None, previous: date) -> date:
    """R26: when regular review `number` falls due, the one before it having been due on
    `previous`: on the schedule from the start (three months, then every twelve), or every
    twelve months from the review that restarted the clock on `clock_from`."""
    if clock_from is None:
        return regular_review_due(start, number)
    # the reviews since the restart fall on its anniversaries, so `previous` names how many
    return add_months(clock_from, REVIEW_INTERVAL_MONTHS * (previous.year - clock_from.year + 1))


def regular_reviews_due(
    start: date,
    already_due: int,
    today: date,
    next_due: date | None = None,
    clock_from: date | None = None,
) -> list[tuple[int, date]]:
    """R26: the regular reviews that have fallen due by `today` and are not yet raised, the
    next of them due on `next_due` (as scheduled; from the start when not given)."""
    due = []
    number = already_due
    on = next_due or regular_review_due(start, number)
    while on <= today:
        due.append((number, on))
        number += 1
        on = following(start, number, clock_from, on)
    return due


def restart_clock(regular_raised: int, next_due: date | None, completed_on: date) -> date | None:
    """R26: a review completed before the next scheduled one (a change in need, care plan
    re-evaluation, or a regular review done) restarts the twelve-monthly clock: the next regular
    review is twelve months from it. None while the three-month review (not twelve-monthly) is
    still to come, or when the scheduled one is already due."""
    if regular_raised < 1 or next_due is None or completed_on >= next_due:
        return None
    return add_months(completed_on, REVIEW_INTERVAL_MONTHS)
