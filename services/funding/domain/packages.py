"""R21 joint packages (shares that change only from a date) and R22 disputes settled back."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from services.funding.domain import money
from services.funding.domain.lines import CostLine, total_by_organisation
from shared.errors import Conflict, InvalidInput, RuleViolation


@dataclass(frozen=True)
class ShareTerm:
    """An organisation's share: a percentage, or a fixed weekly amount in pence."""

    organisation: str
    percent: int | None = None
    weekly_pence: int | None = None

    @property
    def weight(self) -> int:
        return self.percent if self.percent is not None else (self.weekly_pence or 0)


@dataclass(frozen=True)
class Terms:
    """A joint package's weekly cost and shares from `effective_from` until the next terms."""

    terms_id: UUID
    package_id: UUID
    person_id: UUID
    effective_from: date
    weekly_cost_pence: int
    shares: tuple[ShareTerm, ...]


def check_shares(shares: Sequence[ShareTerm], weekly_cost_pence: int) -> None:
    """R21: two or more organisations; all percentages totalling 100, or all fixed weekly
    amounts totalling the package's weekly cost."""
    organisations = [s.organisation for s in shares]
    if len(set(organisations)) != len(organisations) or len(organisations) < 2:
        raise InvalidInput("shares", "a joint package has two or more different organisations")
    if any((s.percent is None) == (s.weekly_pence is None) for s in shares):
        raise InvalidInput("shares", "each share is either a percent or a weekly_pence")
    if all(s.percent is not None for s in shares):
        if sum(s.weight for s in shares) != 100:
            raise InvalidInput("shares", "percentages must total 100")
    elif all(s.weekly_pence is not None for s in shares):
        if sum(s.weight for s in shares) != weekly_cost_pence:
            raise InvalidInput("shares", f"weekly amounts must total {weekly_cost_pence} pence")
    else:
        raise InvalidInput("shares", "shares are all percentages or all weekly amounts")


def check_next_terms(existing: Sequence[Terms], effective_from: date) -> None:
    """R21: shares change only from an effective date after the terms now agreed."""
    latest = max((t.effective_from for t in existing), default=None)
    if latest is not None and effective_from <= latest:
        raise RuleViolation(
            "R21",
            f"shares change only from a date after {latest}",
            errors=[{"field": "effective_from", "reason": "not after the current terms"}],
        )


def package_lines(terms: Sequence[Terms], start: date, end: date) -> list[CostLine]:
    """R21: what each organisation pays for the days [start, end) under the terms in force."""
    lines: list[CostLine] = []
    for package_id in sorted({t.package_id for t in terms}):
        ordered = sorted(
            (t for t in terms if t.package_id == package_id), key=lambda t: t.effective_from
        )
        untils = [t.effective_from for t in ordered[1:]] + [end]
        for current, until in zip(ordered, untils, strict=True):
            a, b = max(start, current.effective_from), min(end, until)
            lines.extend(_share_lines(current, current.shares, a, b))
    return lines


def _share_lines(terms: Terms, shares: Sequence[ShareTerm], a: date, b: date) -> list[CostLine]:
    if b <= a:
        return []
    weights = [s.weight for s in shares]
    amounts = money.shares_between(terms.weekly_cost_pence, weights, terms.effective_from, a, b)
    return [
        CostLine(
            kind="joint_package",
            reference_id=terms.terms_id,
            subject_id=terms.package_id,
            person_id=terms.person_id,
            organisation=share.organisation,
            provider_organisation=None,
            minutes_per_week=None,
            rate_id=None,
            hourly_rate_pence=None,
            weekly_cost_pence=terms.weekly_cost_pence,
            share_percent=share.percent,
            share_weekly_pence=share.weekly_pence,
            accrues_from=terms.effective_from,
            line_from=a,
            line_until=b,
            amount_pence=amount,
        )
        for share, amount in zip(shares, amounts, strict=True)
    ]


def check_dispute(parties: Sequence[str], raised_by: str, already_open: UUID | None) -> None:
    """R22: a party to the joint-funded case raises it, one open dispute at a time."""
    if raised_by not in parties:
        raise RuleViolation("R22", "only a party to the joint-funded case may dispute it")
    if already_open is not None:
        raise Conflict(
            "a dispute on this package is already open", existing=f"/disputes/{already_open}"
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
