"""Recharge periods and adjustments, pure: a period's figures as issued plus its adjustments are
always its figures now, and cut periods add up to the whole."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.funding.domain import recharges
from services.funding.domain.apportionment import Rate
from services.funding.domain.lines import CostLine
from services.funding.domain.recharges import Cadence, Period, PeriodState, RechargeLine
from services.funding.models import FundingSegment
from services.funding.queries.recharges import Sources, fingerprint
from shared.errors import Conflict, InvalidInput
from tests.funding.conftest import CITY, ICB, PROVIDER

ANCHOR = date(2025, 3, 31)
OPEN = PeriodState.OPEN
JANUARY = Period(Cadence.MONTHLY, date(2026, 1, 1), date(2026, 2, 1))


def given_line(amount: int, **overrides: object) -> RechargeLine:
    fields: dict[str, object] = {
        "line_kind": recharges.LineKind.CHARGE,
        "commissioner": ICB,
        "payer": ICB,
        "provider": PROVIDER,
        "service_element": recharges.ServiceElement.DELEGATED_TASK_TIME,
        "source": "apportionment",
        "reference_id": uuid4(),
        "item_id": uuid4(),
        "person_id": uuid4(),
        "line_from": date(2026, 1, 5),
        "line_until": date(2026, 2, 1),
        "unit": "hour",
        "units": Decimal("1.00"),
        "rate_pence": 2400,
        "amount_pence": amount,
    }
    return RechargeLine(**(fields | overrides))  # type: ignore[arg-type]


def test_a_monthly_period_runs_from_the_first_to_the_first_of_the_next_month() -> None:
    period = recharges.period_at(Cadence.MONTHLY, date(2026, 12, 1), ANCHOR, "f")
    assert (period.start, period.end, period.last_day) == (
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2026, 12, 31),
    )
    assert recharges.following(period).end == date(2027, 2, 1)


def test_a_four_weekly_period_is_28_days_on_from_the_anchor() -> None:
    period = recharges.period_at(Cadence.FOUR_WEEKLY, ANCHOR + timedelta(days=280), ANCHOR, "f")
    assert period.end - period.start == timedelta(days=28)
    assert recharges.following(period).start == period.end


@pytest.mark.parametrize(
    ("cadence", "start"),
    [
        (Cadence.MONTHLY, date(2026, 1, 2)),
        (Cadence.FOUR_WEEKLY, ANCHOR + timedelta(days=27)),
        (Cadence.MONTHLY, date(1800, 1, 1)),
    ],
)
def test_a_period_that_does_not_start_on_a_boundary_is_refused_naming_the_field(
    cadence: Cadence, start: date
) -> None:
    with pytest.raises(InvalidInput) as refused:
        recharges.period_at(cadence, start, ANCHOR, "period_start")
    assert refused.value.extensions["errors"][0]["field"] == "period_start"


def test_an_issued_period_is_never_issued_again() -> None:
    with pytest.raises(Conflict):
        recharges.may_issue(JANUARY, date(2026, 2, 2), [], PeriodState.ISSUED)


def test_a_period_is_issued_only_after_its_last_day() -> None:
    with pytest.raises(InvalidInput):
        recharges.may_issue(JANUARY, date(2026, 1, 31), [], PeriodState.OPEN)
    assert recharges.may_issue(JANUARY, date(2026, 2, 1), [], PeriodState.OPEN) == (
        PeriodState.ISSUED
    )


def test_periods_are_issued_in_order_and_in_one_cadence() -> None:
    february = (Cadence.MONTHLY, date(2026, 2, 1))
    with pytest.raises(Conflict):
        recharges.may_issue(JANUARY, date(2026, 3, 2), [february], PeriodState.OPEN)
    four_weekly = Period(Cadence.FOUR_WEEKLY, ANCHOR, ANCHOR + timedelta(days=28))
    with pytest.raises(Conflict):
        recharges.may_issue(
            four_weekly, date(2026, 3, 2), [(Cadence.MONTHLY, date(2024, 1, 1))], PeriodState.OPEN
        )


def test_no_period_is_skipped_once_one_is_issued() -> None:
    march = Period(Cadence.MONTHLY, date(2026, 3, 1), date(2026, 4, 1))
    with pytest.raises(Conflict) as refused:
        recharges.may_issue(march, date(2026, 4, 2), [(Cadence.MONTHLY, JANUARY.start)], OPEN)
    assert refused.value.extensions["next_period_start"] == "2026-02-01"
    february = recharges.following(JANUARY)
    issued = [(Cadence.MONTHLY, JANUARY.start)]
    assert recharges.may_issue(february, date(2026, 3, 1), issued, OPEN) is PeriodState.ISSUED


def test_an_unchanged_period_has_no_adjustments() -> None:
    line = given_line(9257)
    assert recharges.adjustments(JANUARY, [line], [line]) == []


def test_r20_a_recharge_that_appeared_after_issue_is_adjusted_in_full_naming_the_period() -> None:
    charge = given_line(9257)
    recharge = given_line(9257, line_kind=recharges.LineKind.RECHARGE, commissioner=ICB, payer=CITY)
    [adjusted] = recharges.adjustments(JANUARY, [charge, recharge], [charge])
    assert adjusted.adjustment
    assert (adjusted.corrects_start, adjusted.corrects_end) == (
        date(2026, 1, 1),
        date(2026, 1, 31),
    )
    assert (adjusted.payer, adjusted.amount_pence) == (CITY, 9257)


@given(
    st.lists(st.integers(-50_000, 50_000), min_size=1, max_size=6),
    st.lists(st.integers(-50_000, 50_000), min_size=1, max_size=6),
    st.lists(st.integers(-50_000, 50_000), max_size=6),
)
def test_what_was_issued_plus_its_adjustments_is_what_is_owed_now(
    issued_amounts: list[int], now_amounts: list[int], adjusted_before: list[int]
) -> None:
    keys = [given_line(0) for _ in range(3)]

    def lines(amounts: list[int]) -> list[RechargeLine]:
        return [replace(keys[i % 3], amount_pence=a) for i, a in enumerate(amounts)]

    issued = lines(issued_amounts)
    earlier = [replace(ln, adjustment=True) for ln in lines(adjusted_before)]
    now = lines(now_amounts)
    adjusted = recharges.adjustments(JANUARY, now, issued + earlier)
    for key in {ln.key for ln in keys}:
        stated = sum(ln.amount_pence for ln in issued + earlier + adjusted if ln.key == key)
        assert stated == sum(ln.amount_pence for ln in now if ln.key == key)


@given(st.integers(0, 3000), st.integers(1, 120), st.integers(0, 120))
def test_r20_a_without_prejudice_recharge_cut_by_periods_adds_up_to_the_settlement(
    minutes: int, length: int, offset: int
) -> None:
    start = date(2026, 1, 1) + timedelta(days=offset)
    weekly = (minutes * 2400 + 30) // 60
    owed = CostLine(
        kind="apportionment",
        reference_id=uuid4(),
        subject_id=uuid4(),
        person_id=uuid4(),
        organisation=CITY,
        provider_organisation=PROVIDER,
        minutes_per_week=minutes,
        rate_id=uuid4(),
        hourly_rate_pence=2400,
        weekly_cost_pence=weekly,
        share_percent=None,
        share_weekly_pence=None,
        accrues_from=start,
        line_from=start,
        line_until=start + timedelta(days=length),
        amount_pence=weekly * length // 7,
        without_prejudice=True,
    )
    settled = recharges.Settled(
        uuid4(), "without_prejudice", uuid4(), uuid4(), ICB, CITY, owed.amount_pence,
        owed.line_from, owed.line_until, [owed],
    )  # fmt: skip
    period, total = JANUARY, 0
    while period.start < owed.line_until:
        total += sum(ln.amount_pence for ln in recharges.recharges(settled, period))
        period = recharges.following(period)
    assert total == owed.amount_pence


def test_a_line_survives_being_stored_in_an_issued_statement() -> None:
    line = given_line(
        -1114, adjustment=True, corrects_start=date(2026, 1, 1), corrects_end=date(2026, 1, 31)
    )
    assert recharges.from_document(recharges.document(line)) == line


def given_sources(**overrides: object) -> Sources:
    fields: dict[str, object] = {
        "id": UUID(int=1),
        "delegation_id": UUID(int=2),
        "person_id": UUID(int=3),
        "payer": ICB,
        "provider_organisation": PROVIDER,
        "minutes_per_week": 60,
        "effective_from": date(2026, 1, 5),
        "effective_to": None,
        "without_prejudice": True,
        "accrues_from": date(2026, 1, 5),
        "awaiting_rate": False,
        "cause": "task_delegated",
        "recorded_at": datetime(2026, 1, 5, tzinfo=UTC),
    }
    rate = Rate(UUID(int=4), PROVIDER, 2400, date(2025, 4, 1))
    return Sources([FundingSegment(**(fields | overrides))], {PROVIDER: [rate]}, [], [])


def test_the_same_sources_have_the_same_fingerprint_and_a_changed_figure_another() -> None:
    same = fingerprint(ICB, given_sources(), JANUARY)
    assert (
        fingerprint(ICB, given_sources(recorded_at=datetime(2026, 2, 1, tzinfo=UTC)), JANUARY)
        == same
    )
    assert fingerprint(ICB, given_sources(effective_to=date(2026, 1, 20)), JANUARY) != same
    assert fingerprint(ICB, given_sources(payer=CITY), JANUARY) != same
    assert fingerprint(ICB, given_sources(minutes_per_week=61), JANUARY) != same
    # a run that starts after the period does not touch it
    later = given_sources(effective_from=date(2026, 3, 1), accrues_from=date(2026, 3, 1))
    assert fingerprint(ICB, later, JANUARY) == fingerprint(ICB, Sources([], {}, [], []), JANUARY)
