"""Statements per organisation per period, with the lines behind each figure, and CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from uuid import uuid4

from hypothesis import given
from hypothesis import strategies as st

from services.funding.domain import apportionment
from services.funding.main import SPEC as FUNDING
from shared.auth import Role
from shared.testing.events import deliver
from tests.conftest import ServiceClient, bearer
from tests.funding.conftest import (
    CITY,
    ICB,
    PROVIDER,
    finance,
    given_package,
    given_rate,
    given_task_delegated,
    statement,
)

START = date(2026, 1, 5)


@given(
    st.integers(0, 3000),
    st.lists(st.tuples(st.integers(0, 200), st.integers(0, 10_000)), min_size=1, max_size=4),
    st.integers(1, 300),
    st.integers(0, 300),
)
def test_r19_a_run_handed_on_costs_the_same_as_the_whole_run(
    minutes: int, rate_steps: list[tuple[int, int]], length: int, cut: int
) -> None:
    """R19/R20: cutting a run where the payer changes loses or adds no penny over the whole."""
    rates = [
        apportionment.Rate(uuid4(), PROVIDER, pence, START + timedelta(days=offset))
        for offset, pence in {o: p for o, p in rate_steps}.items()
    ]
    end, middle = START + timedelta(days=length), START + timedelta(days=min(cut, length))
    ids = (uuid4(), uuid4(), uuid4())
    whole = apportionment.Funded(*ids, ICB, PROVIDER, minutes, START, end, True)
    first = apportionment.Funded(*ids, ICB, PROVIDER, minutes, START, middle, True)
    second = apportionment.Funded(*ids, CITY, PROVIDER, minutes, middle, end, False, START)

    def total(funded: apportionment.Funded) -> int:
        return sum(ln.amount_pence for ln in apportionment.cost_lines(funded, rates, START, end))

    assert total(first) + total(second) == total(whole)


async def test_a_statement_over_split_periods_adds_up_to_the_whole_period(
    service_client: ServiceClient,
) -> None:
    """R19/R21: day-by-day accrual makes statements of consecutive periods add up exactly."""
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2333)
        await deliver(runtime, given_task_delegated(additional_minutes_per_week=47))
        await given_package(client, weekly_cost_pence=33_333)
        whole = await statement(client, ICB, "2026-01-05", "2026-03-31")
        first = await statement(client, ICB, "2026-01-05", "2026-02-10")
        second = await statement(client, ICB, "2026-02-11", "2026-03-31")
    assert first["pays_pence"] + second["pays_pence"] == whole["pays_pence"]
    assert whole["pays_pence"] == sum(line["amount_pence"] for line in whole["lines"])
    assert {line["kind"] for line in whole["lines"]} == {"apportionment", "joint_package"}


async def test_a_statement_exports_as_csv_for_finance_systems(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(additional_minutes_per_week=60)
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, event)
        await given_package(client)
        response = await client.get(
            "/statements.csv",
            params={"period_start": "2026-01-05", "period_end": "2026-01-11"},
            headers=finance(ICB),
        )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["section"], r["kind"], r["amount_pence"]) for r in rows] == [
        ("pays", "apportionment", "2400"),
        ("pays", "joint_package", "42000"),
    ]
    assert rows[0]["minutes_per_week"] == "60"
    assert rows[0]["hourly_rate_pence"] == "2400"
    assert rows[0]["subject_id"] == str(event.delegation_id)
    assert rows[1]["share_percent"] == "60"


async def test_a_statement_shows_only_the_callers_organisation_and_checks_the_period(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING) as (client, _):
        await given_package(client)
        county = await statement(
            client, "LEICESTERSHIRE-COUNTY-COUNCIL", "2026-01-05", "2026-01-11"
        )
        backwards = await client.get(
            "/statements",
            params={"period_start": "2026-02-01", "period_end": "2026-01-01"},
            headers=finance(CITY),
        )
        missing = await client.get(
            "/statements", params={"period_start": "2026-02-01"}, headers=finance(CITY)
        )
        csu = await client.get(
            "/statements",
            params={"period_start": "2026-01-01", "period_end": "2026-01-31"},
            headers=bearer(Role.CSU_OFFICER, "MLCSU"),
        )
    assert county["pays_pence"] == 0
    assert county["lines"] == []
    assert backwards.status_code == 422
    assert backwards.json()["errors"][0]["field"] == "query.period_end"
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "query.period_end"
    assert csu.status_code == 403
