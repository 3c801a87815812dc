"""Every funding list pages the same way (issue 16): a capped limit, a cursor the service gave,
the next link (and `Link` header) keeping the filters; nothing repeated or skipped; and each
filters on its obvious fields."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient

from services.funding.main import SPEC as FUNDING
from shared import pages
from shared.auth import Role
from shared.clock import MovableClock
from tests.conftest import ServiceClient, bearer
from tests.funding.conftest import (
    CITY,
    ICB,
    OTHER_PROVIDER,
    PROVIDER,
    commissioner,
    finance,
    given_package,
    given_rate,
    given_related,
)
from tests.pages import walk

Json = dict[str, Any]
CSU = bearer(Role.CSU_OFFICER, "MLCSU")


async def items(client: AsyncClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def ids(found: list[Json], key: str = "id") -> list[Any]:
    return [item[key] for item in found]


async def given_packages(client: AsyncClient, runtime: Any, clock: MovableClock) -> list[Json]:
    """Three joint packages, disputed on three days (R21, R22)."""
    packages = []
    for setting in ("registered_care_home", "own_home", "registered_care_home"):
        package = await given_package(client, setting=setting)
        await given_related(runtime, package["person_id"], ICB, CITY, "MLCSU")
        packages.append(package)
    for package in packages:
        raised = await client.post(
            f"/joint-packages/{package['id']}/disputes",
            json={"reason_code": "shares"},
            headers=finance(CITY),
        )
        assert raised.status_code == 201, raised.text
        package["dispute"] = raised.json()
        clock.move(timedelta(days=1))
    return packages


@pytest.mark.parametrize(
    "path",
    ["/rates", "/disputes", "/finance-codes", "/joint-packages/reviews/overdue", "/worklist"],
)
async def test_a_limit_over_the_cap_and_a_cursor_not_given_are_refused_naming_them(
    service_client: ServiceClient, path: str
) -> None:
    async with service_client(FUNDING) as (client, _runtime):
        too_many = await client.get(path, params={"limit": 201}, headers=commissioner())
        forged = await client.get(
            path, params={"cursor": "bm90LWEtY3Vyc29y"}, headers=commissioner()
        )
        wrong_shape = await client.get(
            path, params={"cursor": pages.encode("x")}, headers=commissioner()
        )
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "query.limit"
    for refused in (forged, wrong_shape):
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == "cursor"


async def test_r19_rates_page_by_provider_commissioner_and_date_and_filter(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING) as (client, _runtime):
        for day in ("2025-04-01", "2025-07-01", "2025-10-01"):
            await given_rate(client, 2400, effective_from=day)
        for day in ("2025-05-01", "2025-08-01"):
            await given_rate(client, 2600, effective_from=day, provider=OTHER_PROVIDER)
        await given_rate(client, 3000, effective_from="2025-06-01", by=CITY)
        whole = await items(client, "/rates", commissioner())
        walked = await walk(client, "/rates", commissioner(), limit=2)
        other = await items(client, "/rates", commissioner(), provider_organisation=OTHER_PROVIDER)
        provider = bearer(Role.PROVIDER_MANAGER, PROVIDER)
        by_city = await items(client, "/rates", provider, commissioner=CITY)
        summer = await items(
            client,
            "/rates",
            commissioner(),
            effective_since="2025-05-01",
            effective_until="2025-08-01",
        )
    assert [(r["provider_organisation"], r["effective_from"]) for r in whole] == [
        (OTHER_PROVIDER, "2025-05-01"),
        (OTHER_PROVIDER, "2025-08-01"),
        (PROVIDER, "2025-04-01"),
        (PROVIDER, "2025-07-01"),
        (PROVIDER, "2025-10-01"),
    ]
    assert ids(walked) == ids(whole)
    assert [r["provider_organisation"] for r in other] == [OTHER_PROVIDER, OTHER_PROVIDER]
    assert [(r["commissioner"], r["hourly_rate_pence"]) for r in by_city] == [(CITY, 3000)]
    assert [r["effective_from"] for r in summer] == ["2025-05-01", "2025-08-01", "2025-07-01"]


async def test_finance_codes_page_by_kind_and_key_and_filter_by_kind(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING) as (client, _runtime):
        for kind, key, code in (
            ("provider", PROVIDER, "SUP-1"),
            ("provider", OTHER_PROVIDER, "SUP-2"),
            ("service_element", "health_cover_without_prejudice", "C1/NHS"),
        ):
            put = await client.put(
                "/finance-codes", json={"kind": kind, "key": key, "code": code}, headers=finance()
            )
            assert put.status_code == 200, put.text
        walked = await walk(client, "/finance-codes", finance(), limit=1)
        providers = await items(client, "/finance-codes", finance(), kind="provider")
        bad_kind = await client.get("/finance-codes", params={"kind": "lunch"}, headers=finance())
    assert [(c["kind"], c["key"]) for c in walked] == [
        ("provider", OTHER_PROVIDER),
        ("provider", PROVIDER),
        ("service_element", "health_cover_without_prejudice"),
    ]
    assert [c["code"] for c in providers] == ["SUP-2", "SUP-1"]
    assert bad_kind.status_code == 422


async def test_r22_disputes_page_oldest_raised_first_and_filter(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        packages = await given_packages(client, runtime, clock)
        walked = await walk(client, "/disputes", CSU, limit=2)
        as_party = await walk(client, "/disputes", finance(ICB), limit=1)
        first, second, third = (p["dispute"] for p in packages)
        of_person = await items(client, "/disputes", CSU, person_id=first["person_id"])
        of_package = await items(client, "/disputes", CSU, package_id=second["package_id"])
        raised_later = await items(client, "/disputes", CSU, raised_from="2026-01-06")
        raised_first = await items(client, "/disputes", CSU, raised_to="2026-01-05")
        open_ones = await items(
            client, "/disputes", CSU, status="open", subject_kind="joint_package"
        )
        settled = await items(client, "/disputes", CSU, status="settled")
        stranger = await items(client, "/disputes", finance("RUTLAND-COUNTY-COUNCIL"), limit=1)
    in_order = [first["id"], second["id"], third["id"]]
    assert ids(walked) == in_order
    assert ids(as_party) == in_order
    assert ids(of_person) == [first["id"]]
    assert ids(of_package) == [second["id"]]
    assert ids(raised_later) == [second["id"], third["id"]]
    assert ids(raised_first) == [first["id"]]
    assert ids(open_ones) == in_order
    assert (settled, stranger) == ([], [])


async def test_r21_reviews_and_overdue_reviews_page_and_filter(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        packages = await given_packages(client, runtime, clock)
        clock.move(timedelta(days=100))  # every first review is past due
        overdue = await walk(client, "/joint-packages/reviews/overdue", finance(ICB), limit=1)
        at_home = await items(
            client, "/joint-packages/reviews/overdue", finance(ICB), setting="own_home"
        )
        of_person = await items(
            client,
            "/joint-packages/reviews/overdue",
            finance(ICB),
            person_id=packages[2]["person_id"],
        )
        agreed = await items(
            client, "/joint-packages/reviews/overdue", finance(ICB), status="agreed"
        )
        path = f"/joint-packages/{packages[0]['id']}/reviews"
        for days_ago in (30, 20, 10):
            on = (clock.now() - timedelta(days=days_ago)).date().isoformat()
            reviewed = await client.post(path, json={"reviewed_on": on}, headers=commissioner())
            assert reviewed.status_code == 201, reviewed.text
        reviews = await walk(client, path, finance(ICB), limit=2)
        recent = await items(
            client,
            path,
            finance(ICB),
            reviewed_from=(clock.now() - timedelta(days=20)).date().isoformat(),
            reviewed_to=(clock.now() - timedelta(days=20)).date().isoformat(),
        )
    assert ids(overdue) == sorted(ids(packages))  # all due on one day: by id
    assert ids(at_home) == [packages[1]["id"]]
    assert ids(of_person) == [packages[2]["id"]]
    assert agreed == []  # each is in dispute
    assert [r["reviewed_on"] for r in reviews] == sorted(r["reviewed_on"] for r in reviews)
    assert len(reviews) == 3
    assert [r["reviewed_on"] for r in recent] == [
        (clock.now() - timedelta(days=20)).date().isoformat()
    ]
