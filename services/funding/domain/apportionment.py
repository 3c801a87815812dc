"""R19: apportion the cost of a delegation's additional time, stopped and restarted with it.

A funded delegation is live, suspended or ended, as delegation's events say; an event that
does not apply to the state it finds (a resumption of a live one) changes nothing.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import pairwise
from uuid import UUID

from services.funding.domain import money
from services.funding.domain.lines import CostLine
from shared.errors import RuleViolation
from shared.events.delegation import StopReason, SuspensionReason
from shared.events.funding import FundingApportioned, FundingStopped, FundingStopReason
from shared.events.vocabulary import TaskCategory
from shared.lifecycle import Lifecycle


class ApportionmentState(StrEnum):
    LIVE = "live"
    SUSPENDED = "suspended"
    ENDED = "ended"


class ApportionmentCommand(StrEnum):
    SUSPEND = "suspended"
    RESUME = "resumed"
    END = "ended"
    CHANGE_MINUTES = "changed by a review"


LIVE, SUSPENDED, ENDED = (
    ApportionmentState.LIVE,
    ApportionmentState.SUSPENDED,
    ApportionmentState.ENDED,
)
SUSPEND, RESUME, END, CHANGE_MINUTES = (
    ApportionmentCommand.SUSPEND,
    ApportionmentCommand.RESUME,
    ApportionmentCommand.END,
    ApportionmentCommand.CHANGE_MINUTES,
)
APPORTIONMENT: Lifecycle[ApportionmentState, ApportionmentCommand] = Lifecycle(
    "apportionment",
    {
        (LIVE, SUSPEND): SUSPENDED,
        (SUSPENDED, RESUME): LIVE,
        (LIVE, END): ENDED,
        (SUSPENDED, END): ENDED,
        (LIVE, CHANGE_MINUTES): LIVE,
        (SUSPENDED, CHANGE_MINUTES): SUSPENDED,
    },
)


def follow(state: ApportionmentState, command: ApportionmentCommand) -> ApportionmentState | None:
    """The state delegation's event moves the apportionment to; None when it does not apply
    (events may come late or twice: one that does not apply changes nothing)."""
    if not APPORTIONMENT.allows(state, command):
        return None
    return APPORTIONMENT.next(state, command)


def costs_accrue(state: ApportionmentState) -> bool:
    """Only a live delegation has an open run of funded minutes."""
    return state is LIVE


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
    reason: str | None = None  # why the payer is not the one the event named (R11)


def funder_of(
    category: TaskCategory,
    accountable_organisation: str,
    local_authority: str,
    *,
    funding_gap: bool,
    undecided: frozenset[str],
    health_commissioner: str,
    section_22_met: bool | None = None,
) -> Funder:
    """R19: the accountable organisation pays; R20: Health funds a healthcare task's gap;
    R11: a task that fails the s.22 test is never charged to the council: the NHS pays."""
    undecided_here = funding_gap or accountable_organisation.upper() in undecided
    if category is not TaskCategory.SOCIAL_CARE and undecided_here:
        return Funder(health_commissioner, without_prejudice=True)
    named = (
        local_authority
        if accountable_organisation.upper() in undecided
        else (accountable_organisation)
    )
    if charges_the_council(section_22_met, named, local_authority):
        return Funder(health_commissioner, without_prejudice=False, reason=r11_reason(named))
    return Funder(named, without_prejudice=False)


def charges_the_council(
    section_22_met: bool | None, organisation: str, local_authority: str
) -> bool:
    """R11: charging `organisation` would charge the council for a task failing the s.22 test."""
    return section_22_met is False and organisation.strip().upper() == local_authority.upper()


def r11_reason(council: str) -> str:
    return f"R11: the s.22 test failed, so {council} is never charged; the NHS pays"


def check_not_the_council(
    section_22_met: bool | None, organisation: str, local_authority: str, field: str
) -> None:
    """R11: refuse any route that would charge the council for a task failing the s.22 test."""
    if charges_the_council(section_22_met, organisation, local_authority):
        raise RuleViolation(
            "R11",
            f"the s.22 test failed for this delegation: {local_authority} may not be charged "
            "for it; it is funded by the NHS or as a joint package without a council share",
            errors=[{"field": field, "reason": "the council may not be charged (Care Act s.22)"}],
        )


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


@dataclass(frozen=True)
class StopCause:
    """Why a cost stops, in codes: the words on the event are made from them, never copied
    from another service's or a user's free text."""

    code: FundingStopReason
    detail: StopReason | None = None  # the suspension's or the handback's reason

    @property
    def text(self) -> str:
        return self.code.value if self.detail is None else f"{self.code}: {self.detail}"


def suspended(reason: SuspensionReason) -> StopCause:
    return StopCause(FundingStopReason.SUSPENDED, StopReason(reason.value))


def handed_back(reason: StopReason) -> StopCause:
    return StopCause(FundingStopReason.HANDED_BACK, reason)


def stopped(person_id: UUID, delegation_id: UUID, on: date, cause: StopCause) -> FundingStopped:
    """R19: the cost stops from the date the delegation is suspended, ends or is handed back."""
    return FundingStopped(
        person_id=person_id,
        delegation_id=delegation_id,
        effective_from=on,
        reason=cause.text,
        reason_code=cause.code,
        stop_reason=cause.detail,
    )
