"""Each lifecycle's table, pure: every allowed transition, and a refused one is a Conflict."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date
from enum import StrEnum
from typing import Any

import pytest

from services.funding.domain import apportionment, disputes, packages, segments
from services.funding.domain.apportionment import (
    APPORTIONMENT,
    ApportionmentCommand,
    ApportionmentState,
)
from services.funding.domain.covers import COVER, CoverCommand, CoverState
from services.funding.domain.disputes import DISPUTE, DisputeCommand, DisputeState
from services.funding.domain.packages import PACKAGE, PackageCommand, PackageState
from services.funding.domain.segments import FUNDING, FundingCommand, FundingState
from shared.errors import Conflict
from shared.events.funding import WithoutPrejudiceSettled
from shared.lifecycle import Lifecycle

LIVE, SUSPENDED, ENDED = (
    ApportionmentState.LIVE,
    ApportionmentState.SUSPENDED,
    ApportionmentState.ENDED,
)
AGREED, IN_DISPUTE = PackageState.AGREED, PackageState.IN_DISPUTE

TABLES: list[tuple[Lifecycle[Any, Any], dict[tuple[StrEnum, StrEnum], StrEnum]]] = [
    (
        APPORTIONMENT,
        {
            (LIVE, ApportionmentCommand.SUSPEND): SUSPENDED,
            (SUSPENDED, ApportionmentCommand.RESUME): LIVE,
            (LIVE, ApportionmentCommand.END): ENDED,
            (SUSPENDED, ApportionmentCommand.END): ENDED,
            (LIVE, ApportionmentCommand.CHANGE_MINUTES): LIVE,
            (SUSPENDED, ApportionmentCommand.CHANGE_MINUTES): SUSPENDED,
        },
    ),
    (
        FUNDING,
        {(FundingState.WITHOUT_PREJUDICE, FundingCommand.DECIDE): FundingState.DECIDED},
    ),
    (
        PACKAGE,
        {
            (AGREED, PackageCommand.CHANGE_SHARES): AGREED,
            (IN_DISPUTE, PackageCommand.CHANGE_SHARES): IN_DISPUTE,
            (AGREED, PackageCommand.DISPUTE): IN_DISPUTE,
            (IN_DISPUTE, PackageCommand.SETTLE): AGREED,
            (AGREED, PackageCommand.SETTLE): AGREED,
            (AGREED, PackageCommand.REVIEW): AGREED,
            (IN_DISPUTE, PackageCommand.REVIEW): IN_DISPUTE,
            (AGREED, PackageCommand.END): PackageState.ENDED,
            (IN_DISPUTE, PackageCommand.END): PackageState.ENDED,
            (PackageState.ENDED, PackageCommand.SETTLE): PackageState.ENDED,
        },
    ),
    (DISPUTE, {(DisputeState.OPEN, DisputeCommand.SETTLE): DisputeState.SETTLED}),
    (COVER, {(CoverState.COVERING, CoverCommand.CLOSE): CoverState.CLOSED}),
]
REFUSED: list[tuple[Lifecycle[Any, Any], StrEnum, StrEnum]] = [
    (APPORTIONMENT, ENDED, ApportionmentCommand.RESUME),
    (APPORTIONMENT, LIVE, ApportionmentCommand.RESUME),
    (APPORTIONMENT, ENDED, ApportionmentCommand.CHANGE_MINUTES),
    (FUNDING, FundingState.DECIDED, FundingCommand.DECIDE),
    (PACKAGE, IN_DISPUTE, PackageCommand.DISPUTE),
    (PACKAGE, PackageState.ENDED, PackageCommand.CHANGE_SHARES),
    (PACKAGE, PackageState.ENDED, PackageCommand.DISPUTE),
    (PACKAGE, PackageState.ENDED, PackageCommand.REVIEW),
    (DISPUTE, DisputeState.SETTLED, DisputeCommand.SETTLE),
    (COVER, CoverState.CLOSED, CoverCommand.CLOSE),
]


@pytest.mark.parametrize(("lifecycle", "expected"), TABLES, ids=lambda x: getattr(x, "name", ""))
def test_each_table_allows_exactly_its_transitions(
    lifecycle: Lifecycle[Any, Any], expected: dict[tuple[StrEnum, StrEnum], StrEnum]
) -> None:
    assert dict(lifecycle.table) == expected
    for (state, command), target in expected.items():
        assert lifecycle.next(state, command) == target


@pytest.mark.parametrize(("lifecycle", "state", "command"), REFUSED)
def test_a_pair_the_table_does_not_hold_is_a_conflict_naming_the_state(
    lifecycle: Lifecycle[Any, Any], state: StrEnum, command: StrEnum
) -> None:
    with pytest.raises(Conflict) as refused:
        lifecycle.next(state, command)
    assert refused.value.extensions["state"] == str(state)


def test_r19_an_event_that_does_not_apply_to_the_state_changes_nothing() -> None:
    assert apportionment.follow(ENDED, ApportionmentCommand.RESUME) is None
    assert apportionment.follow(SUSPENDED, ApportionmentCommand.RESUME) is LIVE


PENDING = segments.Pending(
    uuid.uuid4(), uuid.uuid4(), FundingState.WITHOUT_PREJUDICE, date(2026, 1, 5)
)


def decide(funding: segments.Pending) -> segments.Decided:
    return segments.decide_funding(
        funding,
        accountable_organisation="LEICESTER-CITY-COUNCIL",
        decided_on=date(2026, 2, 2),
        today=date(2026, 3, 1),
        health_commissioner="LLR-ICB",
        lines=[],
    )


def test_r20_the_funding_decision_settles_without_prejudice_funding_once() -> None:
    decided = decide(PENDING)
    assert decided.state is FundingState.DECIDED
    assert [type(e) for e in decided.events] == [WithoutPrejudiceSettled]
    with pytest.raises(Conflict):
        decide(dataclasses.replace(PENDING, state=decided.state))


def test_r22_a_package_in_dispute_takes_no_second_dispute_and_settles_back_to_agreed() -> None:
    package, dispute = disputes.raise_dispute(AGREED, ["A", "B"], "A", None)
    assert (package, dispute) == (IN_DISPUTE, DisputeState.OPEN)
    with pytest.raises(Conflict):
        disputes.raise_dispute(package, ["A", "B"], "A", None)
    assert disputes.settle(package, dispute) == (AGREED, DisputeState.SETTLED)
    assert disputes.settle(AGREED, DisputeState.SETTLED) is None


def test_r21_shares_change_while_in_dispute() -> None:
    shares = [packages.ShareTerm("A", 50), packages.ShareTerm("B", 50)]
    assert packages.change_shares(IN_DISPUTE, [], shares, 100, date(2026, 2, 2)) is IN_DISPUTE
