"""R22 disputes: a party disputes a joint-funded case, the CSU resolves it, and the days already
paid are settled back to the date the outcome names.

A dispute is about a subject: a joint package (R21), a delegation's apportioned cost (R19) or
the funding decision that settled without-prejudice funding (R20). Whatever the subject, it is
open until the CSU's outcome settles it, one open dispute per subject, and nothing stops paying
meanwhile (R20): the outcome is applied from its date and the days already paid settled back.
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
    refuse,
)
from shared.errors import Conflict, RuleViolation
from shared.events.funding import DisputeReason, DisputeSubject
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
    """R22: a party to the joint-funded case raises it, one open dispute per subject."""
    if raised_by not in parties:
        raise RuleViolation("R22", "only a party to the joint-funded case may dispute it")
    if already_open is not None:
        raise Conflict(
            "a dispute on this subject is already open", existing=f"/disputes/{already_open}"
        )


def raise_about_delegation(
    kind: DisputeSubject,
    decided: bool,
    parties: Sequence[str],
    raised_by: str,
    already_open: UUID | None,
) -> DisputeState:
    """R22: an apportionment (R19), or a funding decision that settled without-prejudice
    funding (R20, `decided`), is disputed by a party; it opens and goes to the CSU."""
    if kind is DisputeSubject.JOINT_PACKAGE:
        raise refuse("subject_kind", "a joint package is disputed on the package", "R22")
    if kind is DisputeSubject.WITHOUT_PREJUDICE and not decided:
        raise refuse(
            "subject_kind", "no funding decision has settled this delegation's funding yet", "R22"
        )
    check_dispute(parties, raised_by, already_open)
    return DisputeState.OPEN


def check_weekly_amounts(shares: Sequence[ShareTerm], weekly_costs: Sequence[int]) -> None:
    """R22: an outcome in weekly pence adds up to the weekly cost of every terms it applies to,
    exactly: it is never re-proportioned."""
    if not shares or any(s.weekly_pence is None for s in shares):
        return
    given = sum(s.weight for s in shares)
    for cost in sorted(set(weekly_costs)):
        if given != cost:
            raise refuse(
                "shares", f"weekly amounts make {given} pence, not the {cost} pence a week", "R22"
            )


def costs_from(terms: Sequence[Terms], effective_from: date) -> list[int]:
    """The weekly costs of the terms in force on `effective_from` and of every later one."""
    ordered = sorted(terms, key=lambda t: t.effective_from)
    in_force = [t for t in ordered if t.effective_from <= effective_from][-1:]
    return [
        t.weekly_cost_pence
        for t in in_force + [t for t in ordered if t.effective_from > effective_from]
    ]


def payer_of(shares: Sequence[ShareTerm], weekly_cost: int | None) -> str:
    """R19, R22: the outcome of a dispute about a delegation names the one organisation that
    pays its additional cost (all of it, as a percentage or in weekly pence)."""
    payers = [s for s in shares if s.weight > 0]
    if len(payers) != 1:
        raise refuse("shares", "one organisation pays a delegation's additional cost", "R22")
    if weekly_cost is not None:
        check_weekly_amounts(payers, [weekly_cost])
    if payers[0].percent not in (None, 100):
        raise refuse("shares", "the organisation that pays pays all of it (100%)", "R22")
    return payers[0].organisation


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
    shares (up to the resolution) are settled so each organisation has paid its outcome share.
    An outcome in weekly pence adds up to the weekly cost of every terms it applies to."""
    check_weekly_amounts(shares, costs_from(terms, effective_from))
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


@dataclass(frozen=True)
class Settled:
    """A settlement already made about the delegation: who paid whom, for which days."""

    owed: money.Owed
    period_start: date
    period_end: date


def settle_delegation_outcome(
    lines: Sequence[CostLine], prior: Sequence[Settled], payer: str, effective_from: date
) -> list[money.Owed]:
    """R22: for the days [effective_from, resolution) the outcome's payer pays all that the
    runs cost, counting what earlier settlements already moved between the organisations."""
    for settled in prior:
        if settled.period_start < effective_from < settled.period_end:
            raise refuse(
                "effective_from",
                f"an earlier settlement covers {settled.period_start} to {settled.period_end}: "
                "the outcome applies from its start or after its end",
                "R22",
            )
    paid = total_by_organisation(list(lines))
    for settled in prior:
        if settled.period_start >= effective_from:
            owed = settled.owed
            paid[owed.payer] = paid.get(owed.payer, 0) + owed.amount_pence
            paid[owed.payee] = paid.get(owed.payee, 0) - owed.amount_pence
    return money.settle(paid, {payer: sum(paid.values())})
