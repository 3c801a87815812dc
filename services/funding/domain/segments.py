"""R20: Health funds a healthcare task without prejudice until the funding decision settles it.

A funded delegation's funding is without prejudice (Health pays while nobody has decided) or
decided (the accountable organisation pays). The funding decision is its one transition: it
settles what Health paid back to the start date, to the penny.
"""

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from services.funding.domain import money
from services.funding.domain.apportionment import check_not_the_council
from services.funding.domain.lines import CostLine
from shared.errors import Conflict, RuleViolation
from shared.events import Event
from shared.events.funding import Settlement, WithoutPrejudiceSettled
from shared.lifecycle import Lifecycle


class FundingState(StrEnum):
    WITHOUT_PREJUDICE = "without_prejudice"
    DECIDED = "decided"


class FundingCommand(StrEnum):
    DECIDE = "decided"


FUNDING: Lifecycle[FundingState, FundingCommand] = Lifecycle(
    "funding",
    {(FundingState.WITHOUT_PREJUDICE, FundingCommand.DECIDE): FundingState.DECIDED},
)


def state_of(funding_pending: bool) -> FundingState:
    return FundingState.WITHOUT_PREJUDICE if funding_pending else FundingState.DECIDED


@dataclass(frozen=True)
class Pending:
    """What a funding decision is made about: a delegation Health funds without prejudice, from
    its start or from a handback's stop date (R18), whichever is earlier."""

    person_id: UUID
    delegation_id: UUID
    state: FundingState
    start_date: date
    local_authority: str = ""
    section_22_met: bool | None = None  # R11


@dataclass(frozen=True)
class Decided:
    """The funding decision's answer: the new state, who owes whom, and the event."""

    state: FundingState
    settlements: list[money.Owed]
    events: list[Event]


def may_declare_gap(state: FundingState, payer: str, delegation_id: UUID) -> None:
    """R20: a gap is declared before the task goes live, or while Health still funds it."""
    if state is FundingState.DECIDED:
        raise Conflict(
            f"funding of this delegation was apportioned to {payer} when it went live",
            existing=f"/delegations/{delegation_id}/funding",
        )


def decide_funding(
    funding: Pending,
    *,
    accountable_organisation: str,
    decided_on: date,
    today: date,
    health_commissioner: str,
    lines: Sequence[CostLine],
    framework_version: int | None = None,
) -> Decided:
    """R20: a funding decision settles a without-prejudice gap once, between the start and
    today; the accountable organisation repays Health what Health paid without prejudice.
    R11: never the council for a task failing the s.22 test; R29: under the version in force."""
    if not FUNDING.allows(funding.state, FundingCommand.DECIDE):
        raise Conflict("this delegation has no funding decision pending (R20)")
    check_not_the_council(
        funding.section_22_met,
        accountable_organisation,
        funding.local_authority,
        "accountable_organisation",
    )
    if not funding.start_date <= decided_on <= today:
        raise RuleViolation(
            "R20",
            f"the funding decision falls between the start date {funding.start_date} and "
            f"today {today}",
            errors=[{"field": "decided_on", "reason": "before the start date or after today"}],
        )
    if not accountable_organisation.strip():
        raise RuleViolation("R20", "the decision names the accountable organisation")
    owed = without_prejudice_settlement(lines, health_commissioner, accountable_organisation)
    settled = WithoutPrejudiceSettled(
        person_id=funding.person_id,
        delegation_id=funding.delegation_id,
        accountable_organisation=accountable_organisation,
        start_date=funding.start_date,
        decided_on=decided_on,
        settlements=[Settlement(**dataclasses.asdict(o)) for o in owed],
        framework_version=framework_version,
    )
    return Decided(FUNDING.next(funding.state, FundingCommand.DECIDE), owed, [settled])


def without_prejudice_settlement(
    lines: Sequence[CostLine], health_commissioner: str, accountable_organisation: str
) -> list[money.Owed]:
    """R20: the accountable organisation repays Health what Health paid without prejudice."""
    total = sum(line.amount_pence for line in lines if line.without_prejudice)
    return money.settle({health_commissioner: total}, {accountable_organisation: total})
