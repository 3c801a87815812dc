"""R21, R26 (A 5.14): a joint package is reviewed three months after it starts, then at least
every twelve months; a review past its due date on a package still running is overdue."""

from datetime import date

from services.funding.domain.dates import add_months
from services.funding.domain.packages import PACKAGE, PackageCommand, PackageState, refuse

FIRST_REVIEW_MONTHS = 3
REVIEW_INTERVAL_MONTHS = 12


def first_review_due(starts_on: date) -> date:
    """A 5.14: the first review three months after the package starts."""
    return add_months(starts_on, FIRST_REVIEW_MONTHS)


def review(
    state: PackageState, starts_on: date, reviewed_on: date, today: date
) -> tuple[PackageState, date]:
    """A 5.14: a review held between the package's start and today; the next one falls due
    twelve months after it."""
    state = PACKAGE.next(state, PackageCommand.REVIEW)
    if not starts_on <= reviewed_on <= today:
        raise refuse("reviewed_on", f"a review is held between the start ({starts_on}) and today")
    return state, add_months(reviewed_on, REVIEW_INTERVAL_MONTHS)


def is_overdue(state: PackageState, review_due: date | None, today: date) -> bool:
    """A review is overdue once its due date has passed and the package is still running."""
    return state is not PackageState.ENDED and review_due is not None and review_due < today
