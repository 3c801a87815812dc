"""The arithmetic behind every figure: weekly cost, day-by-day accrual, shares, settlements."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.funding.domain import money

weekly = st.integers(min_value=0, max_value=10_000_000)
day = st.dates(min_value=date(2022, 10, 1), max_value=date(2030, 12, 31))
weights = st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=6).filter(
    lambda ws: sum(ws) > 0
)
organisations = st.sampled_from(["LLR-ICB", "LEICESTER-CITY-COUNCIL", "RUTLAND-COUNTY-COUNCIL"])


@pytest.mark.parametrize(
    ("minutes", "rate", "expected"),
    [(60, 2000, 2000), (90, 2000, 3000), (1, 2030, 34), (1, 2010, 34), (1, 2009, 33), (0, 2500, 0)],
)
def test_r19_weekly_cost_is_minutes_times_rate_over_60_half_up(
    minutes: int, rate: int, expected: int
) -> None:
    # 1 x 2010 / 60 = 33.5 rounds up to 34; 1 x 2009 / 60 = 33.48 rounds down to 33
    assert money.weekly_cost_pence(minutes, rate) == expected


def test_r19_a_whole_week_costs_exactly_the_weekly_cost_and_days_carry_the_remainder() -> None:
    start = date(2026, 1, 5)
    days = [
        money.cost_between(1000, start, start + timedelta(d), start + timedelta(d + 1))
        for d in range(7)
    ]
    assert days == [142, 143, 143, 143, 143, 143, 143]
    assert sum(days) == 1000


@given(weekly, day, st.integers(0, 400), st.integers(0, 400), st.integers(0, 400))
def test_r19_apportionment_over_split_periods_equals_the_whole_period(
    weekly_pence: int, anchor: date, a: int, b: int, c: int
) -> None:
    start, middle, end = sorted(anchor + timedelta(days=n) for n in (a, b, c))
    whole = money.cost_between(weekly_pence, anchor, start, end)
    parts = money.cost_between(weekly_pence, anchor, start, middle) + money.cost_between(
        weekly_pence, anchor, middle, end
    )
    assert parts == whole


@given(st.integers(0, 10**9), weights)
def test_r21_shares_always_add_up_to_the_whole_to_the_penny(amount: int, ws: list[int]) -> None:
    shares = money.split(amount, ws)
    assert sum(shares) == amount
    assert all(
        abs(share * sum(ws) - amount * w) < sum(ws) for share, w in zip(shares, ws, strict=True)
    )


@given(weekly, weights, day, st.integers(0, 400), st.integers(0, 400), st.integers(0, 400))
def test_r21_each_share_over_split_periods_equals_its_share_of_the_whole(
    weekly_pence: int, ws: list[int], anchor: date, a: int, b: int, c: int
) -> None:
    start, middle, end = sorted(anchor + timedelta(days=n) for n in (a, b, c))
    whole = money.shares_between(weekly_pence, ws, anchor, start, end)
    first = money.shares_between(weekly_pence, ws, anchor, start, middle)
    second = money.shares_between(weekly_pence, ws, anchor, middle, end)
    assert [x + y for x, y in zip(first, second, strict=True)] == whole
    assert sum(whole) == money.cost_between(weekly_pence, anchor, start, end)


def test_r21_fixed_weekly_shares_pay_exactly_their_amounts_each_whole_week() -> None:
    start = date(2026, 1, 5)
    shares = money.shares_between(10_000, [6_000, 4_000], start, start, start + timedelta(21))
    assert shares == [18_000, 12_000]


@given(st.dictionaries(organisations, st.integers(0, 10**7), min_size=1), st.data())
def test_r22_settlements_leave_each_organisation_having_paid_what_it_owes(
    paid: dict[str, int], data: st.DataObject
) -> None:
    total = sum(paid.values())
    orgs = sorted(paid)
    cuts = sorted(
        data.draw(st.lists(st.integers(0, total), min_size=len(orgs) - 1, max_size=len(orgs) - 1))
    )
    owed = {o: b - a for o, a, b in zip(orgs, [0, *cuts], [*cuts, total], strict=True)}
    settlements = money.settle(paid, owed)
    after = dict(paid)
    for s in settlements:
        assert s.amount_pence > 0
        assert s.payer != s.payee
        after[s.payer] = after.get(s.payer, 0) + s.amount_pence
        after[s.payee] = after.get(s.payee, 0) - s.amount_pence
    assert {o: after.get(o, 0) for o in owed} == owed
    assert sum(s.amount_pence for s in settlements) == sum(
        max(owed.get(o, 0) - paid.get(o, 0), 0) for o in {*paid, *owed}
    )


def test_r20_settlement_of_a_whole_paid_by_one_to_another_is_one_payment() -> None:
    settled = money.settle({"LLR-ICB": 12_345}, {"LEICESTER-CITY-COUNCIL": 12_345})
    assert settled == [money.Owed("LEICESTER-CITY-COUNCIL", "LLR-ICB", 12_345)]


def test_settlement_refuses_wholes_that_differ() -> None:
    with pytest.raises(ValueError):
        money.settle({"A": 1}, {"B": 2})
