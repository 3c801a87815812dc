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


def regular_reviews_due(start: date, already_due: int, today: date) -> list[tuple[int, date]]:
    """R26: the regular reviews that have fallen due by `today` and are not yet raised."""
    due = []
    number = already_due
    while (on := regular_review_due(start, number)) <= today:
        due.append((number, on))
        number += 1
    return due
