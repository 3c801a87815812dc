"""Recharge statements for council and ICB finance systems: issued periods are frozen, and a
late funding decision back-dated into one appears as an adjustment in the next period."""

from __future__ import annotations

import asyncio
import csv
import io
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import select

from services.funding.main import SPEC as FUNDING
from services.funding.queries.recharges import CSV_COLUMNS
from shared.audit import audit_log
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.delegation import TaskDelegated
from shared.service import Runtime
from shared.testing.events import deliver
from tests.conftest import ServiceClient, bearer
from tests.funding.conftest import (
    CITY,
    COUNTY,
    ICB,
    PROVIDER,
    commissioner,
    finance,
    given_rate,
    given_related,
    given_task_delegated,
)

DOC = Path(__file__).parents[2] / "docs" / "finance-export.md"
WEEKLY = 3600  # 90 minutes a week at 2400p an hour


def cost(days: int, weekly: int = WEEKLY) -> int:
    """What the first `days` days cost, accrued day by day (`money`)."""
    return weekly * days // 7


async def recharges(
    client: AsyncClient, organisation: str, start: str, cadence: str = "monthly"
) -> dict[str, Any]:
    response = await client.get(
        "/recharges",
        params={"cadence": cadence, "period_start": start},
        headers=finance(organisation),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def issue(
    client: AsyncClient,
    organisation: str,
    start: str,
    cadence: str = "monthly",
    headers: dict[str, str] | None = None,
) -> Response:
    return await client.post(
        "/recharges/issue",
        json={"cadence": cadence, "period_start": start},
        headers=(headers or finance(organisation)),
    )


async def given_health_funding_without_prejudice(
    client: AsyncClient, runtime: Runtime, minutes: int = 90
) -> TaskDelegated:
    """A healthcare task from 5 January with the council accountable but no funding decision:
    Health funds it without prejudice (R20)."""
    event = given_task_delegated(additional_minutes_per_week=minutes, accountable_organisation=CITY)
    await given_rate(client, 2400)
    await given_rate(client, 3000, by=CITY)
    gap = await client.post(
        "/funding-gaps",
        json={
            "delegation_id": str(event.delegation_id),
            "person_id": str(event.person_id),
            "reason": "no funding decision yet",
        },
        headers=commissioner(CITY),
    )
    assert gap.status_code == 201, gap.text
    await deliver(runtime, event)
    await given_related(runtime, event.person_id, ICB, CITY)
    return event


async def test_r20_back_dated_adjustment_appears_in_the_right_period_after_a_late_funding_decision(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        event = await given_health_funding_without_prejudice(client, runtime)
        clock.move(timedelta(days=28))  # 2 February: January has ended
        issued = await issue(client, ICB, "2026-01-01")
        clock.move(timedelta(days=18))  # 20 February: the council is decided accountable
        decided = await client.post(
            f"/delegations/{event.delegation_id}/funding-decision",
            json={"accountable_organisation": CITY, "decided_on": "2026-02-16"},
            headers=commissioner(CITY),
        )
        january = await recharges(client, ICB, "2026-01-01")
        february = await recharges(client, ICB, "2026-02-01")
        city_february = await recharges(client, CITY, "2026-02-01")
    assert issued.status_code == 201, issued.text
    assert decided.status_code == 200, decided.text
    assert january == issued.json()  # frozen: the decision changed nothing in it
    assert [(ln["line_kind"], ln["amount_pence"]) for ln in january["lines"]] == [
        ("charge", cost(27))
    ]
    [adjustment] = [ln for ln in february["lines"] if ln["adjustment"]]
    assert adjustment["line_kind"] == "recharge"
    assert (adjustment["corrects_period_start"], adjustment["corrects_period_end"]) == (
        "2026-01-01",
        "2026-01-31",
    )
    assert (adjustment["service_from"], adjustment["service_to"]) == ("2026-01-05", "2026-01-31")
    assert (adjustment["commissioner"], adjustment["payer"]) == (ICB, CITY)
    assert adjustment["direction"] == "receivable"
    assert adjustment["amount_pence"] == cost(27)
    assert adjustment["service_element"] == "without_prejudice_recharge"
    [recharge] = [
        ln for ln in february["lines"] if ln["line_kind"] == "recharge" and not ln["adjustment"]
    ]
    assert (recharge["service_from"], recharge["service_to"]) == ("2026-02-01", "2026-02-15")
    assert recharge["amount_pence"] == cost(42) - cost(27)  # with the adjustment: all 42 days
    [charge] = [ln for ln in february["lines"] if ln["line_kind"] == "charge"]
    assert (charge["service_to"], charge["without_prejudice"]) == ("2026-02-15", True)
    assert february["receivable_pence"] == cost(42)
    city_lines = {(ln["line_kind"], ln["direction"]) for ln in city_february["lines"]}
    assert city_lines == {("charge", "payable"), ("recharge", "payable")}


async def test_r20_an_adjustment_once_issued_is_not_repeated_in_later_periods(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        event = await given_health_funding_without_prejudice(client, runtime)
        clock.move(timedelta(days=28))
        await issue(client, ICB, "2026-01-01")
        clock.move(timedelta(days=18))
        await client.post(
            f"/delegations/{event.delegation_id}/funding-decision",
            json={"accountable_organisation": CITY, "decided_on": "2026-02-16"},
            headers=commissioner(CITY),
        )
        clock.move(timedelta(days=10))  # 2 March
        february = await issue(client, ICB, "2026-02-01")
        march = await recharges(client, ICB, "2026-03-01")
    assert february.status_code == 201, february.text
    assert [ln["adjustment"] for ln in february.json()["lines"]].count(True) == 1
    assert not any(ln["adjustment"] for ln in march["lines"])


async def test_an_issued_period_is_frozen_and_never_issued_again(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        await given_health_funding_without_prejudice(client, runtime)
        clock.move(timedelta(days=28))
        first = await issue(client, ICB, "2026-01-01")
        await given_rate(client, 9900, effective_from="2026-01-10")  # a late rate
        again = await issue(client, ICB, "2026-01-01")
        after = await recharges(client, ICB, "2026-01-01")
    assert first.status_code == 201
    assert first.json()["state"] == "issued"
    assert again.status_code == 409
    assert after == first.json()


async def test_a_rate_changed_after_issue_comes_as_adjustments_in_the_next_period(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, given_task_delegated(additional_minutes_per_week=60))
        clock.move(timedelta(days=28))
        await issue(client, ICB, "2026-01-01")
        await client.post(
            "/rates",
            json={
                "provider_organisation": PROVIDER,
                "hourly_rate_pence": 3000,
                "effective_from": "2026-01-19",
            },
            headers=commissioner(ICB),
        )
        february = await recharges(client, ICB, "2026-02-01")
    adjustments = [ln for ln in february["lines"] if ln["adjustment"]]
    assert sum(ln["amount_pence"] for ln in adjustments) == (3000 - 2400) * 13 // 7
    assert {ln["corrects_period_start"] for ln in adjustments} == {"2026-01-01"}
    assert sorted(ln["amount_pence"] > 0 for ln in adjustments) == [False, True]


async def test_periods_are_issued_after_they_end_in_order_and_in_one_cadence(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(FUNDING) as (client, _):
        early = await issue(client, ICB, "2026-01-01")
        clock.move(timedelta(days=60))  # 6 March
        february = await issue(client, ICB, "2026-02-01")
        january = await issue(client, ICB, "2026-01-01")
        four_weekly = await issue(client, ICB, "2026-01-05", cadence="four_weekly")
        not_a_start = await issue(client, CITY, "2026-01-02")
        off_anchor = await issue(client, CITY, "2026-01-20", cadence="four_weekly")
    assert early.status_code == 422
    assert early.json()["errors"][0]["field"] == "period_start"
    assert february.status_code == 201
    assert january.status_code == 409  # a later period is issued
    assert four_weekly.status_code == 409  # the ICB issues monthly statements
    assert not_a_start.status_code == 422
    assert off_anchor.status_code == 422
    assert off_anchor.json()["errors"][0]["field"] == "period_start"


async def test_a_four_weekly_statement_covers_28_days(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, given_task_delegated(additional_minutes_per_week=60))
        clock.move(timedelta(days=40))
        read = await recharges(client, ICB, "2026-01-05", cadence="four_weekly")
        issued = await issue(client, ICB, "2026-01-05", cadence="four_weekly")
    assert (read["period_start"], read["period_end"]) == ("2026-01-05", "2026-02-01")
    [line] = read["lines"]
    assert line["amount_pence"] == 2400 * 4
    assert (line["unit"], line["units"], line["rate_pence"]) == ("hour", "4.00", 2400)
    assert issued.status_code == 201


async def test_issue_honours_the_idempotency_key(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    clock.move(timedelta(days=40))
    headers = finance(ICB) | {"Idempotency-Key": "issue-january"}
    async with service_client(FUNDING) as (client, _):
        first = await issue(client, ICB, "2026-01-01", headers=headers)
        again = await issue(client, ICB, "2026-01-01", headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json() == again.json()


async def test_only_organisations_party_to_the_lines_see_them_and_reads_are_audited(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        event = await given_health_funding_without_prejudice(client, runtime)
        clock.move(timedelta(days=28))
        county = await recharges(client, COUNTY, "2026-01-01")
        icb = await recharges(client, ICB, "2026-01-01")
        params = {"cadence": "monthly", "period_start": "2026-01-01"}
        provider = await client.get(
            "/recharges", params=params, headers=bearer(Role.FINANCE_OFFICER, PROVIDER)
        )
        csu = await client.get(
            "/recharges", params=params, headers=bearer(Role.CSU_OFFICER, "MLCSU")
        )
        auditor = await client.get("/recharges", params=params, headers=bearer(Role.AUDITOR, ICB))
        by_commissioner = await issue(client, ICB, "2026-01-01", headers=commissioner(ICB))
        by_provider = await issue(
            client, ICB, "2026-01-01", headers=bearer(Role.FINANCE_OFFICER, PROVIDER)
        )
        by_finance = await issue(client, ICB, "2026-01-01")
        async with runtime.sessions() as session:
            trail = (
                await session.execute(
                    select(audit_log.c.action, audit_log.c.organisation, audit_log.c.person_id)
                )
            ).all()
    assert county["lines"] == []
    assert {ln["person_id"] for ln in icb["lines"]} == {str(event.person_id)}
    assert (provider.status_code, csu.status_code, auditor.status_code) == (403, 403, 403)
    assert (by_commissioner.status_code, by_provider.status_code) == (403, 403)
    assert by_finance.status_code == 201
    assert ("read.recharge_statement", ICB, str(event.person_id)) in trail
    assert any(action == "recharge_statement.issue" for action, _, _ in trail)


async def test_the_csv_keeps_the_documented_column_contract(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        await given_health_funding_without_prejudice(client, runtime)
        for kind, key, code in (
            ("provider", PROVIDER, "SUP-00042"),
            ("service_element", "health_cover_without_prejudice", "C1234/NHS"),
        ):
            put = await client.put(
                "/finance-codes",
                json={"kind": kind, "key": key, "code": code},
                headers=finance(ICB),
            )
            assert put.status_code == 200, put.text
        codes = await client.get("/finance-codes", headers=finance(ICB))
        county_codes = await client.get("/finance-codes", headers=finance(COUNTY))
        bad = await client.put(
            "/finance-codes",
            json={"kind": "service_element", "key": "lunch", "code": "X1"},
            headers=finance(ICB),
        )
        clock.move(timedelta(days=28))
        response = await client.get(
            "/recharges.csv",
            params={"cadence": "monthly", "period_start": "2026-01-01"},
            headers=finance(ICB),
        )
    documented = re.findall(r"^\| `([a-z_]+)` \|", DOC.read_text(), flags=re.MULTILINE)
    assert documented == CSV_COLUMNS
    assert [(c["kind"], c["code"]) for c in codes.json()["items"]] == [
        ("provider", "SUP-00042"),
        ("service_element", "C1234/NHS"),
    ]
    assert county_codes.json()["items"] == []  # each organisation's codes are its own
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "key"
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    reader = csv.DictReader(io.StringIO(response.text))
    assert reader.fieldnames == CSV_COLUMNS
    [row] = list(reader)
    assert row == row | {
        "statement_organisation": ICB,
        "cadence": "monthly",
        "period_start": "2026-01-01",
        "period_end": "2026-01-31",
        "line_kind": "charge",
        "direction": "payable",
        "adjustment": "N",
        "corrects_period_start": "",
        "commissioner": ICB,
        "payer": ICB,
        "provider": PROVIDER,
        "provider_reference": "SUP-00042",
        "service_element": "health_cover_without_prejudice",
        "cost_code": "C1234/NHS",
        "service_from": "2026-01-05",
        "service_to": "2026-01-31",
        "unit": "hour",
        "units": "5.79",  # 90 minutes a week for 27 days: 347 minutes
        "rate_pence": "2400",
        "amount_pence": str(cost(27)),
        "without_prejudice": "Y",
    }


async def test_a_bad_period_is_a_problem_naming_the_field(service_client: ServiceClient) -> None:
    async with service_client(FUNDING) as (client, _):
        bad_cadence = await client.get(
            "/recharges",
            params={"cadence": "weekly", "period_start": "2026-01-01"},
            headers=finance(ICB),
        )
        far = await client.get(
            "/recharges",
            params={"cadence": "monthly", "period_start": "9999-12-01"},
            headers=finance(ICB),
        )
    assert bad_cadence.status_code == 422
    assert bad_cadence.json()["errors"][0]["field"] == "query.cadence"
    assert far.status_code == 422
    assert far.json()["errors"][0]["field"] == "query.period_start"


async def test_two_finance_officers_issuing_the_same_period_at_once_issue_it_once(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        await given_health_funding_without_prejudice(client, runtime)
        clock.move(timedelta(days=28))
        answers = await asyncio.gather(*(issue(client, ICB, "2026-01-01") for _ in range(4)))
        read = await recharges(client, ICB, "2026-01-01")
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409]
    [first] = [a for a in answers if a.status_code == 201]
    assert read == first.json()


async def test_a_period_is_not_skipped_once_one_is_issued(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    clock.move(timedelta(days=90))
    async with service_client(FUNDING) as (client, _):
        await issue(client, CITY, "2026-01-01")
        skipped = await issue(client, CITY, "2026-03-01")
        february = await issue(client, CITY, "2026-02-01")
    assert skipped.status_code == 409
    assert skipped.json()["next_period_start"] == "2026-02-01"
    assert february.status_code == 201


async def test_r20_a_decision_dated_inside_an_issued_period_adjusts_its_charge_and_recharge(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    """The council is decided accountable from 20 January, after January was issued: the ICB
    paid the provider for 27 days without prejudice, now owes only 15 of them, and recharges
    the council those 15; both come as adjustments to January in February."""
    async with service_client(FUNDING) as (client, runtime):
        event = await given_health_funding_without_prejudice(client, runtime)
        clock.move(timedelta(days=28))  # 2 February
        await issue(client, ICB, "2026-01-01")
        clock.move(timedelta(days=8))  # 10 February
        decided = await client.post(
            f"/delegations/{event.delegation_id}/funding-decision",
            json={"accountable_organisation": CITY, "decided_on": "2026-01-20"},
            headers=commissioner(CITY),
        )
        february = await recharges(client, ICB, "2026-02-01")
        city_january = await recharges(client, CITY, "2026-01-01")
    assert decided.status_code == 200, decided.text
    adjusted = {
        (ln["line_kind"], ln["direction"]): ln for ln in february["lines"] if ln["adjustment"]
    }
    assert set(adjusted) == {("charge", "payable"), ("recharge", "receivable")}
    assert adjusted[("charge", "payable")]["amount_pence"] == cost(15) - cost(27)
    assert adjusted[("recharge", "receivable")]["amount_pence"] == cost(15)
    assert {ln["corrects_period_start"] for ln in adjusted.values()} == {"2026-01-01"}
    assert [ln for ln in february["lines"] if not ln["adjustment"]] == []  # the ICB pays no more
    city_charge = [ln for ln in city_january["lines"] if ln["line_kind"] == "charge"]
    assert [(ln["service_from"], ln["service_to"]) for ln in city_charge] == [
        ("2026-01-20", "2026-01-31")
    ]


async def test_a_change_after_later_periods_were_issued_still_adjusts_the_period_it_touches(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    """January and February issued with nothing to adjust; a rate recorded late for January is
    still found (its sources changed since they were last stated) and adjusted in March."""
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, given_task_delegated(additional_minutes_per_week=60))
        clock.move(timedelta(days=60))  # 6 March
        await issue(client, ICB, "2026-01-01")
        february = await issue(client, ICB, "2026-02-01")
        await given_rate(client, 3000, effective_from="2026-01-19")
        march = await recharges(client, ICB, "2026-03-01")
    assert not any(ln["adjustment"] for ln in february.json()["lines"])
    adjusted = [ln for ln in march["lines"] if ln["adjustment"]]
    assert {ln["corrects_period_start"] for ln in adjusted} == {"2026-01-01", "2026-02-01"}
    january_change = sum(
        ln["amount_pence"] for ln in adjusted if ln["corrects_period_start"] == "2026-01-01"
    )
    assert january_change == (3000 - 2400) * 13 // 7
