"""R19 (apportion the cost of additional time) and R20 (Health funds without prejudice)."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from uuid import UUID

from services.funding.domain import money
from services.funding.domain.lines import CostLine
from shared.errors import Conflict, RuleViolation
from shared.events.funding import FundingApportioned, FundingStopped
from shared.events.vocabulary import TaskCategory


@dataclass(frozen=True)
class Rate:
    rate_id: UUID
    provider_organisation: str
    hourly_rate_pence: int
    effective_from: date


@dataclass(frozen=True)
class Funded:
    """A run of funded minutes: who pays for the days [effective_from, effective_to)."""

    segment_id: UUID
    delegation_id: UUID
    person_id: UUID
    payer: str
    provider_organisation: str
    minutes_per_week: int
    effective_from: date
    effective_to: date | None
    without_prejudice: bool
    accrues_from: date | None = None  # a run handed on from another keeps accruing from its start


@dataclass(frozen=True)
class Funder:
    organisation: str
    without_prejudice: bool


def funder_of(
    category: TaskCategory,
    accountable_organisation: str,
    local_authority: str,
    *,
    funding_gap: bool,
    undecided: frozenset[str],
    health_commissioner: str,
) -> Funder:
    """R19: the accountable organisation pays; R20: Health funds a healthcare task's gap."""
    undecided_here = funding_gap or accountable_organisation.upper() in undecided
    if category is not TaskCategory.SOCIAL_CARE and undecided_here:
        return Funder(health_commissioner, without_prejudice=True)
    if accountable_organisation.upper() in undecided:
        return Funder(local_authority, without_prejudice=False)
    return Funder(accountable_organisation, without_prejudice=False)


def rate_in_force(rates: Sequence[Rate], on: date) -> Rate | None:
    """The provider's rate whose effective date is the latest on or before `on`."""
    in_force = [r for r in rates if r.effective_from <= on]
    return max(in_force, key=lambda r: r.effective_from, default=None)


def check_next_rate(rates: Sequence[Rate], effective_from: date) -> None:
    """Rates follow one another so that a figure already worked out keeps its rate."""
    latest = max((r.effective_from for r in rates), default=None)
    if latest is not None and effective_from <= latest:
        raise RuleViolation(
            "R19",
            f"a new rate for this provider must take effect after {latest}",
            errors=[{"field": "effective_from", "reason": "not after the latest rate"}],
        )


def rate_runs(
    rates: Sequence[Rate], start: date, end: date
) -> list[tuple[Rate | None, date, date]]:
    """[start, end) cut where the rate changes, each piece with its rate (None: no rate yet)."""
    cuts = sorted({start, *(r.effective_from for r in rates if start < r.effective_from < end)})
    bounds = [*cuts, end]
    return [(rate_in_force(rates, a), a, b) for a, b in pairwise(bounds)]


def cost_lines(funded: Funded, rates: Sequence[Rate], start: date, end: date) -> list[CostLine]:
    """R19: what the payer pays for the days [start, end) of a run of funded minutes."""
    lo = max(start, funded.effective_from)
    hi = min(end, funded.effective_to or end)
    if hi <= lo:
        return []
    runs = rate_runs(rates, funded.accrues_from or funded.effective_from, funded.effective_to or hi)
    return [
        _line(funded, rate, a, max(lo, a), min(hi, b))
        for rate, a, b in runs
        if min(hi, b) > max(lo, a)
    ]


def _line(funded: Funded, rate: Rate | None, anchor: date, a: date, b: date) -> CostLine:
    hourly = rate.hourly_rate_pence if rate else None
    weekly = money.weekly_cost_pence(funded.minutes_per_week, hourly) if hourly is not None else 0
    return CostLine(
        kind="apportionment",
        reference_id=funded.segment_id,
        subject_id=funded.delegation_id,
        person_id=funded.person_id,
        organisation=funded.payer,
        provider_organisation=funded.provider_organisation,
        minutes_per_week=funded.minutes_per_week,
        rate_id=rate.rate_id if rate else None,
        hourly_rate_pence=hourly,
        weekly_cost_pence=weekly,
        share_percent=None,
        share_weekly_pence=None,
        accrues_from=anchor,
        line_from=a,
        line_until=b,
        amount_pence=money.cost_between(weekly, anchor, a, b),
        without_prejudice=funded.without_prejudice,
        awaiting_rate=rate is None and funded.minutes_per_week > 0,
    )


def apportioned(funded: Funded, rate: Rate | None, effective_from: date) -> FundingApportioned:
    """R19: the event that records an apportionment (zero cost when no minutes are added)."""
    hourly = rate.hourly_rate_pence if rate else 0
    return FundingApportioned(
        person_id=funded.person_id,
        apportionment_id=funded.segment_id,
        delegation_id=funded.delegation_id,
        accountable_organisation=funded.payer,
        provider_organisation=funded.provider_organisation,
        additional_minutes_per_week=funded.minutes_per_week,
        hourly_rate_pence=hourly,
        weekly_cost_pence=money.weekly_cost_pence(funded.minutes_per_week, hourly),
        effective_from=effective_from,
        without_prejudice=funded.without_prejudice,
    )


def stopped(person_id: UUID, delegation_id: UUID, on: date, reason: str) -> FundingStopped:
    """R19: the cost stops from the date the delegation is suspended or ends."""
    return FundingStopped(
        person_id=person_id, delegation_id=delegation_id, effective_from=on, reason=reason
    )


def decide_funding(
    *,
    pending: bool,
    start_date: date,
    decided_on: date,
    today: date,
    accountable_organisation: str,
) -> None:
    """R20: a funding decision settles a without-prejudice gap once, between the start and
    today (the settlement covers days already funded)."""
    if not pending:
        raise Conflict("this delegation has no funding decision pending (R20)")
    if not start_date <= decided_on <= today:
        raise RuleViolation(
            "R20",
            f"the funding decision falls between the start date {start_date} and today {today}",
            errors=[{"field": "decided_on", "reason": "before the start date or after today"}],
        )
    if not accountable_organisation.strip():
        raise RuleViolation("R20", "the decision names the accountable organisation")


def without_prejudice_settlement(
    lines: Sequence[CostLine], health_commissioner: str, accountable_organisation: str
) -> list[money.Owed]:
    """R20: the accountable organisation repays Health what Health paid without prejudice."""
    total = sum(line.amount_pence for line in lines if line.without_prejudice)
    return money.settle({health_commissioner: total}, {accountable_organisation: total})
