"""Every list of the assessment service pages the same way (a capped `limit`, an opaque `cursor`,
`items`, `next_cursor`, the `next` link and its `Link` header) and filters on its fields."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient

from services.assessment.main import SPEC as ASSESSMENT
from shared.clock import MovableClock
from tests.assessment.conftest import (
    MDT,
    PRACTITIONER,
    given_assessment_body,
    given_mdt,
    given_person,
)
from tests.conftest import ServiceClient
from tests.pages import walk

Json = dict[str, Any]
CONSENTED = ["eye-drops", "steroid-cream", "stoma-care", "insulin-injection", "topical-cream"]
PERSON_LISTS = [
    "identifiers",
    "assessments",
    "need-changes",
    "consents",
    "support-plan/versions",
]


async def given_a_person_with_records(client: AsyncClient, clock: MovableClock) -> str:
    """A person with five of each record the person's lists show (two assessments; ten plan
    versions), each recorded a second after the one before."""
    person_id = await given_person(client)
    url = f"/people/{person_id}"
    identifiers = [("las", "1001"), ("las", "1002"), ("mosaic", "2001"), ("rio", "RX1234")]
    for system, value in [*identifiers, ("systmone", "123456")]:
        await post(client, f"{url}/identifiers", {"system": system, "value": value}, clock)
    for kind, on in [("care_act_needs", "2026-01-02"), ("carers", "2026-01-04")]:
        await post(
            client, f"{url}/assessments", given_assessment_body(kind=kind, assessed_on=on), clock
        )
    for day in range(1, 6):
        change = {
            "significant": day % 2 == 0,
            "description": "fell",
            "recorded_on": f"2026-01-0{day}",
        }
        await post(client, f"{url}/need-changes", change, clock)
    for day, provider in [(1, "P-ONE"), (2, "P-TWO"), (3, "P-ONE"), (4, "P-TWO"), (5, "P-ONE")]:
        version = {
            "visits_per_day": 1,
            "minutes_per_visit": 15 * day,
            "days_per_week": 7,
            "provider_organisation": provider,
            "effective_from": f"2026-01-0{day}",
            "reason": "review",
        }
        await post(client, f"{url}/support-plan/versions", version, clock)
    for task in CONSENTED:
        consent = {"task_code": task, "given_by": "person", "given_on": "2026-01-04"}
        if task in ("eye-drops", "stoma-care"):
            consent["provider_organisation"] = "P-ONE"
        await post(client, f"{url}/consents", consent, clock)
    return person_id


async def post(client: AsyncClient, url: str, body: Json, clock: MovableClock) -> Json:
    clock.move(timedelta(seconds=1))
    response = await client.post(url, json=body, headers=PRACTITIONER)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_every_list_of_a_person_is_walked_a_page_at_a_time_without_repeat_or_gap(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_a_person_with_records(client, clock)
        await given_mdt(runtime, person_id)
        walked = {
            name: await walk(client, f"/people/{person_id}/{name}", PRACTITIONER, limit=2)
            for name in PERSON_LISTS
        }
        whole = {
            name: (await client.get(f"/people/{person_id}/{name}", headers=MDT)).json()
            for name in ["need-changes", "consents", "support-plan/versions"]
        }
    assert [(i["system"], i["value"]) for i in walked["identifiers"]] == [
        ("las", "1001"),
        ("las", "1002"),
        ("mosaic", "2001"),
        ("rio", "RX1234"),
        ("systmone", "123456"),
    ]
    assert [a["kind"] for a in walked["assessments"]] == ["care_act_needs", "carers"]
    assert [c["recorded_on"] for c in walked["need-changes"]] == [
        f"2026-01-0{d}" for d in range(1, 6)
    ]
    # five versions made, then one for each consent recorded on the plan
    assert [v["version"] for v in walked["support-plan/versions"]] == list(range(1, 11))
    for name in ["need-changes", "consents", "support-plan/versions"]:
        ids = [i.get("id", i.get("version")) for i in walked[name]]
        assert len(ids) == len(set(ids)) == (10 if name == "support-plan/versions" else 5)
        assert walked[name] == whole[name]["items"]  # the same rows, in the same order
        assert whole[name]["next"] is None


async def test_the_people_list_is_walked_by_its_next_link_and_filtered(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        city = sorted([await given_person(client) for _ in range(3)])  # one instant: by id
        clock.move(timedelta(seconds=1))
        county = await given_person(
            client, local_authority="LEICESTERSHIRE-COUNTY-COUNCIL", gp_practice="C82002"
        )
        clock.move(timedelta(seconds=1))
        discharged = await given_person(client, open_to_community_health_services=False)
        walked = await walk(client, "/people", PRACTITIONER, limit=2)
        by_council = await walk(
            client,
            "/people",
            PRACTITIONER,
            limit=1,
            local_authority="LEICESTERSHIRE-COUNTY-COUNCIL",
        )
        by_practice = await walk(client, "/people", PRACTITIONER, gp_practice="C82002")
        not_open = await walk(
            client, "/people", PRACTITIONER, open_to_community_health_services="false"
        )
    assert [p["id"] for p in walked] == [*city, county, discharged]
    assert [p["id"] for p in by_council] == [p["id"] for p in by_practice] == [county]
    assert [p["id"] for p in not_open] == [discharged]


async def test_each_list_of_a_person_filters_on_its_fields(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        person_id = await given_a_person_with_records(client, clock)
        url = f"/people/{person_id}"

        async def items(name: str, **params: Any) -> list[Json]:
            return await walk(client, f"{url}/{name}", PRACTITIONER, **params)

        las = await items("identifiers", system="las")
        carers = await items("assessments", kind="carers")
        by_partner = await items("assessments", partner_organisation="LPT")
        assessed_early = await items("assessments", assessed_to="2026-01-03")
        assessed_late = await items("assessments", assessed_from="2026-01-03")
        significant = await items("need-changes", significant="true")
        recorded_between = await items(
            "need-changes", recorded_from="2026-01-02", recorded_to="2026-01-03"
        )
        [eye_drops] = await items("consents", task_code="eye-drops")
        by_provider = await items("consents", provider_organisation="P-ONE")
        await client.post(
            f"{url}/consents/{eye_drops['id']}/withdrawal",
            json={"withdrawn_on": "2026-01-05", "reason": "no"},
            headers=PRACTITIONER,
        )
        withdrawn = await items("consents", withdrawn="true")
        standing = await items("consents", withdrawn="false")
        for_one = await items("support-plan/versions", provider_organisation="P-TWO")
        effective_between = await items(
            "support-plan/versions", effective_from="2026-01-02", effective_to="2026-01-03"
        )
    assert [i["value"] for i in las] == ["1001", "1002"]
    assert [a["kind"] for a in carers] == ["carers"]
    assert [a["kind"] for a in by_partner] == ["care_act_needs", "carers"]
    assert [a["kind"] for a in assessed_early] == ["care_act_needs"]
    assert [a["kind"] for a in assessed_late] == ["carers"]
    assert [c["recorded_on"] for c in significant] == ["2026-01-02", "2026-01-04"]
    assert [c["recorded_on"] for c in recorded_between] == ["2026-01-02", "2026-01-03"]
    assert eye_drops["task_code"] == "eye-drops"
    assert [c["task_code"] for c in by_provider] == ["eye-drops", "stoma-care"]
    assert [c["id"] for c in withdrawn] == [eye_drops["id"]]
    assert [c["task_code"] for c in standing] == CONSENTED[1:]
    assert [v["version"] for v in for_one] == [2, 4]
    assert [v["version"] for v in effective_between] == [2, 3]


@pytest.mark.parametrize("name", ["", *PERSON_LISTS])
async def test_a_limit_over_200_or_a_cursor_not_given_is_a_422_naming_it(
    service_client: ServiceClient, name: str
) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        person_id = await given_person(client)
        path = f"/people/{person_id}/{name}" if name else "/people"
        too_many = await client.get(path, params={"limit": 201}, headers=PRACTITIONER)
        none = await client.get(path, params={"limit": 0}, headers=PRACTITIONER)
        most = await client.get(path, params={"limit": 200}, headers=PRACTITIONER)
        bad = await client.get(path, params={"cursor": "bm90LWEtY3Vyc29y"}, headers=PRACTITIONER)
    for response, field in [(too_many, "query.limit"), (none, "query.limit"), (bad, "cursor")]:
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
    assert most.status_code == 200
