"""Providers' hourly rates: recorded from a date, completing or re-stating apportionments (R19)."""

from __future__ import annotations

from datetime import date

from services.funding.main import SPEC as FUNDING
from shared.auth import Role
from shared.events.funding import FundingApportioned
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient, bearer
from tests.funding.conftest import (
    ICB,
    PROVIDER,
    commissioner,
    given_rate,
    given_related,
    given_task_delegated,
    statement,
)


async def test_r19_an_apportionment_awaits_a_rate_and_completes_when_it_arrives(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(additional_minutes_per_week=60)
    async with service_client(FUNDING) as (client, runtime):
        await deliver(runtime, event)
        await given_related(runtime, event.person_id, ICB)
        before = await published(runtime, FundingApportioned)
        waiting = await client.get(
            f"/delegations/{event.delegation_id}/funding", headers=commissioner()
        )
        await given_rate(client, 2400, effective_from="2026-01-01")
        after = await published(runtime, FundingApportioned)
    assert before == []
    assert waiting.json()["segments"][0]["awaiting_rate"] is True
    assert [
        (a.weekly_cost_pence, a.effective_from) for a in after if isinstance(a, FundingApportioned)
    ] == [(2400, date(2026, 1, 5))]


async def test_r19_a_new_rate_re_states_live_apportionments_from_its_date(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(additional_minutes_per_week=60)
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, event)
        await given_rate(client, 3000, effective_from="2026-04-01")
        apportioned = await published(runtime, FundingApportioned)
        icb = await statement(client, ICB, "2026-03-25", "2026-04-07")
    assert [
        (a.weekly_cost_pence, a.effective_from)
        for a in apportioned
        if isinstance(a, FundingApportioned)
    ][-1] == (3000, date(2026, 4, 1))
    assert [ln["hourly_rate_pence"] for ln in icb["lines"]] == [2400, 3000]


async def test_r19_rates_follow_one_another_and_a_repeat_has_no_second_effect(
    service_client: ServiceClient,
) -> None:
    body = {
        "provider_organisation": PROVIDER,
        "hourly_rate_pence": 2400,
        "effective_from": "2026-01-01",
    }
    async with service_client(FUNDING) as (client, _):
        first = await client.post("/rates", json=body, headers=commissioner())
        again = await client.post("/rates", json=body, headers=commissioner())
        different = await client.post(
            "/rates", json=body | {"hourly_rate_pence": 2500}, headers=commissioner()
        )
        earlier = await client.post(
            "/rates", json=body | {"effective_from": "2025-01-01"}, headers=commissioner()
        )
        negative = await client.post(
            "/rates", json=body | {"hourly_rate_pence": -1}, headers=commissioner()
        )
        rates = await client.get("/rates", headers=finance_headers())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert different.status_code == 409
    assert earlier.status_code == 422
    assert earlier.json()["rule"] == "R19"
    assert negative.status_code == 422
    assert negative.json()["errors"][0]["field"] == "hourly_rate_pence"
    assert len(rates.json()["items"]) == 1


def finance_headers() -> dict[str, str]:
    return bearer(Role.FINANCE_OFFICER, ICB)


async def test_a_provider_manager_sees_its_own_rates_only_and_no_one_elses_money(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(additional_minutes_per_week=60)
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await given_rate(client, 2600, provider="OTHER-CARE-LTD")
        await deliver(runtime, event)
        own = await client.get("/rates", headers=bearer(Role.PROVIDER_MANAGER, PROVIDER))
        other = await client.get(
            "/rates",
            params={"provider_organisation": "OTHER-CARE-LTD"},
            headers=bearer(Role.PROVIDER_MANAGER, PROVIDER),
        )
        funding = await client.get(
            f"/delegations/{event.delegation_id}/funding",
            headers=bearer(Role.PROVIDER_MANAGER, PROVIDER),
        )
        statements = await client.get(
            "/statements",
            params={"period_start": "2026-01-01", "period_end": "2026-01-31"},
            headers=bearer(Role.PROVIDER_MANAGER, PROVIDER),
        )
        stranger = await client.get(
            f"/delegations/{event.delegation_id}/funding",
            headers=commissioner("RUTLAND-COUNTY-COUNCIL"),
        )
        anonymous = await client.get("/rates")
    assert [r["provider_organisation"] for r in own.json()["items"]] == [PROVIDER]
    assert other.json()["items"] == []
    assert funding.status_code == 403
    assert statements.status_code == 403
    assert stranger.status_code == 404
    assert anonymous.status_code == 401
