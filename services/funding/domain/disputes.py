"""R22 disputes: a party disputes a joint-funded case, the CSU resolves it, and the days already
paid are settled back to the date the outcome names.

A dispute is open until the CSU's outcome settles it.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from services.funding.domain import money
from services.funding.domain.lines import CostLine, total_by_organisation
from services.funding.domain.packages import (
    PACKAGE,
    PackageCommand,
    PackageState,
    ShareTerm,
    Terms,
    package_lines,
)
from shared.errors import Conflict, RuleViolation
from shared.events.funding import DisputeReason
from shared.lifecycle import Lifecycle


class DisputeState(StrEnum):
    OPEN = "open"
    SETTLED = "settled"


class DisputeCommand(StrEnum):
    SETTLE = "settled"


DISPUTE: Lifecycle[DisputeState, DisputeCommand] = Lifecycle(
    "dispute", {(DisputeState.OPEN, DisputeCommand.SETTLE): DisputeState.SETTLED}
)


SUMMARIES = {
    DisputeReason.SHARES: "a party disputes the split of the joint package",
    DisputeReason.HEALTH_NEED: "a party disputes how much of the need is a health need",
    DisputeReason.WEEKLY_COST: "a party disputes the joint package's weekly cost",
    DisputeReason.EFFECTIVE_DATE: "a party disputes the date the terms apply from",
    DisputeReason.OTHER: "a party disputes the joint-funded case",
}


def summary_of(reason: DisputeReason) -> str:
    """The words published for a dispute: fixed for its code, never the party's own note."""
    return SUMMARIES[reason]


def check_dispute(parties: Sequence[str], raised_by: str, already_open: UUID | None) -> None:
    """R22: a party to the joint-funded case raises it, one open dispute at a time."""
    if raised_by not in parties:
        raise RuleViolation("R22", "only a party to the joint-funded case may dispute it")
    if already_open is not None:
        raise Conflict(
            "a dispute on this package is already open", existing=f"/disputes/{already_open}"
        )


def raise_dispute(
    package: PackageState, parties: Sequence[str], raised_by: str, already_open: UUID | None
) -> tuple[PackageState, DisputeState]:
    """R22: the package goes into dispute and the dispute opens, with the CSU."""
    check_dispute(parties, raised_by, already_open)
    return PACKAGE.next(package, PackageCommand.DISPUTE), DisputeState.OPEN


def settle(
    package: PackageState, dispute: DisputeState
) -> tuple[PackageState, DisputeState] | None:
    """R22: the CSU's outcome settles the dispute and the package is agreed again; None when
    the dispute is already settled (the outcome was applied once)."""
    if not DISPUTE.allows(dispute, DisputeCommand.SETTLE):
        return None
    return PACKAGE.next(package, PackageCommand.SETTLE), DISPUTE.next(
        dispute, DisputeCommand.SETTLE
    )


@dataclass(frozen=True)
class Outcome:
    """R22: what the resolved dispute changes, and who owes whom for the days already paid."""

    applies_from: date
    paid: dict[str, int]
    owed: dict[str, int]
    settlements: list[money.Owed]
    lines: list[CostLine]
    paid_lines: list[CostLine]


def settle_outcome(
    terms: Sequence[Terms], shares: Sequence[ShareTerm], effective_from: date, resolved_on: date
) -> Outcome:
    """R22: the outcome shares apply from `effective_from`; the days already paid under the old
    shares (up to the resolution) are settled so each organisation has paid its outcome share."""
    starts = min((t.effective_from for t in terms), default=effective_from)
    applies_from = max(effective_from, resolved_on, starts)  # never before the package began
    paid_lines = package_lines(terms, effective_from, applies_from)
    outcome_terms = [
        Terms(
            t.terms_id,
            t.package_id,
            t.person_id,
            t.effective_from,
            t.weekly_cost_pence,
            tuple(shares),
        )
        for t in terms
    ]
    owed_lines = package_lines(outcome_terms, effective_from, applies_from)
    paid, owed = total_by_organisation(paid_lines), total_by_organisation(owed_lines)
    settlements = money.settle(paid, owed)
    return Outcome(applies_from, paid, owed, settlements, owed_lines, paid_lines)
