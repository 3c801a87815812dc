"""Information governance in assessment (issue 14): a person's records are read and changed only
by organisations with a legitimate relationship with them, or by a registered practitioner who
breaks the glass; every read is audited; a provider's access ends a grace period after its task."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from httpx import AsyncClient

from services.assessment.main import SPEC as ASSESSMENT
from shared.access import BREAK_GLASS_HEADER
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.delegation import DelegationEnded
from shared.testing.events import deliver, published
from tests.assessment.conftest import (
    PRACTITIONER,
    given_assessment_body,
    given_mdt,
    given_person,
    given_person_body,
    given_task_delegated,
)
from tests.conftest import ServiceClient, bearer

# A partner in the register with no relationship with the person (a hospital trust elsewhere).
UNRELATED_PRACTITIONER = bearer(Role.REGISTERED_PRACTITIONER, "UHL")
UNRELATED_MDT = bearer(Role.MDT_MEMBER, "UHL")
UNRELATED_PROVIDER = bearer(Role.PROVIDER_MANAGER, "PROVIDER-OTHER")
PROVIDER = bearer(Role.PROVIDER_MANAGER, "PROVIDER-HOMECARE-1")
REASON = "unconscious in A&E, no other record available"


def broken_glass(headers: dict[str, str], reason: str = REASON) -> dict[str, str]:
    return {**headers, BREAK_GLASS_HEADER: reason}


@dataclass
class Records:
    """A person registered and assessed by LPT, with a record of every kind."""

    person_id: str
    nhs_number: str
    reads: dict[str, str]  # the record audited -> the URL that reads it


async def given_records(client: AsyncClient) -> Records:
    body = given_person_body()
    person_id = await given_person(client, nhs_number=body["nhs_number"])
    person = f"/people/{person_id}"

    async def write(method: str, url: str, json: dict[str, Any]) -> dict[str, Any]:
        response = await client.request(method, url, json=json, headers=PRACTITIONER)
        assert response.status_code in (200, 201), response.text
        return dict(response.json())

    assessment = await write("POST", f"{person}/assessments", given_assessment_body())
    await write("POST", f"{person}/need-changes", {"significant": False, "description": "x"})
    consent = await write(
        "POST",
        f"{person}/consents",
        {"task_code": "steroid-cream", "given_by": "person", "given_on": "2026-01-04"},
    )
    await write("PUT", f"{person}/equality-profile", {"sex": "female"})
    return Records(
        person_id,
        body["nhs_number"],
        {
            "person": person,
            "assessments": f"{person}/assessments",
            "assessment": f"{person}/assessments/{assessment['id']}",
            "need_changes": f"{person}/need-changes",
            "consents": f"{person}/consents",
            "consent": f"{person}/consents/{consent['id']}",
            "support_plan": f"{person}/support-plan",
            "support_plan_versions": f"{person}/support-plan/versions",
            "equality_profile": f"{person}/equality-profile",
        },
    )


async def test_a_partner_with_no_relationship_lists_no_one_and_reads_nothing(
    service_client: ServiceClient,
) -> None:
    """Issue 14: any partner's practitioner listed everyone with NHS numbers and read them."""
    async with service_client(ASSESSMENT) as (client, _):
        records = await given_records(client)
        listed = await client.get("/people", headers=UNRELATED_PRACTITIONER)
        reads = {
            record: (await client.get(url, headers=UNRELATED_PRACTITIONER)).status_code
            for record, url in records.reads.items()
        }
        mdt_reads = {
            record: (await client.get(url, headers=UNRELATED_MDT)).status_code
            for record, url in records.reads.items()
            if record != "equality_profile"  # not an MDT member's (403 by role)
        }
        provider = await client.get(records.reads["person"], headers=UNRELATED_PROVIDER)
        lookup = await client.post(
            "/people/lookup", json={"nhs_number": records.nhs_number}, headers=UNRELATED_MDT
        )
        own = {
            record: (await client.get(url, headers=PRACTITIONER)).status_code
            for record, url in records.reads.items()
        }
    assert listed.status_code == 200
    assert listed.json() == {"items": [], "next_cursor": None, "next": None}
    assert set(reads.values()) == set(mdt_reads.values()) == {404}
    assert provider.status_code == 404
    assert lookup.status_code == 404
    assert records.person_id not in lookup.text  # the id is not given away either
    assert set(own.values()) == {200}


async def test_an_organisation_outside_the_register_is_refused(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        response = await client.get(
            "/people", headers=bearer(Role.REGISTERED_PRACTITIONER, "NOT-A-PARTNER")
        )
    assert response.status_code == 403


async def test_writes_about_a_person_need_a_relationship(service_client: ServiceClient) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        records = await given_records(client)
        person = records.reads["person"]
        before = len(await published(runtime))
        consent_url = records.reads["consent"]
        identifier = await client.post(
            f"{person}/identifiers", json={"system": "las", "value": "5150"}, headers=PRACTITIONER
        )
        identifier_id = identifier.json()["id"]
        writes = [
            (
                "PUT",
                f"{person}/community-health-services",
                {"open_to_community_health_services": False},
            ),
            ("PUT", f"{person}/gp-practice", {"gp_practice": "C82002"}),
            ("PUT", f"{person}/equality-profile", {"sex": "male"}),
            ("POST", f"{person}/assessments", given_assessment_body(kind="carers")),
            ("POST", f"{person}/need-changes", {"significant": True, "description": "y"}),
            (
                "POST",
                f"{person}/consents",
                {"task_code": "eye-drops", "given_by": "person", "given_on": "2026-01-04"},
            ),
            ("POST", f"{consent_url}/withdrawal", {"withdrawn_on": "2026-01-05", "reason": "no"}),
            (
                "POST",
                f"{person}/support-plan/versions",
                {"visits_per_day": 1, "minutes_per_visit": 15, "days_per_week": 7, "reason": "x"},
            ),
            ("POST", f"{person}/identifiers", {"system": "las", "value": "6160"}),
            ("DELETE", f"{person}/identifiers/{identifier_id}", None),
        ]
        answers = [
            (await client.request(m, url, json=body, headers=UNRELATED_PRACTITIONER)).status_code
            for m, url, body in writes
        ]
        after = len(await published(runtime))
        document = (await client.get("/openapi.json")).json()
    # Every write about a person the service documents is in the list above (a new one fails
    # here until it is added, so none escapes the check).
    documented = {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        if path.startswith("/people/{person_id}")
        for method in item
        if method in ("post", "put", "patch", "delete")
    }
    ids = {
        records.person_id: "{person_id}",
        consent_url.rsplit("/", 1)[1]: "{consent_id}",
        identifier_id: "{identifier_id}",
    }
    tried = set()
    for method, url, _ in writes:
        for value, name in ids.items():
            url = url.replace(value, name)
        tried.add(f"{method} {url}")
    assert tried == documented
    assert answers == [404] * len(writes)
    assert after == before


async def test_the_equality_profile_needs_a_relationship_and_no_glass_breaks_it(
    service_client: ServiceClient,
) -> None:
    """Issue 14: any partner's practitioner read religion, sexual orientation and disability."""
    async with service_client(ASSESSMENT) as (client, _):
        records = await given_records(client)
        url = records.reads["equality_profile"]
        unrelated = await client.get(url, headers=UNRELATED_PRACTITIONER)
        broken = await client.get(url, headers=broken_glass(UNRELATED_PRACTITIONER))
        related = await client.get(url, headers=PRACTITIONER)
    assert unrelated.status_code == broken.status_code == 404
    assert related.json()["characteristics"]["sex"] == "female"


async def test_a_provider_reads_during_the_grace_period_after_its_task_ends_and_not_after(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    """Issue 14: a provider still read a person after its delegation ended."""
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        person = f"/people/{person_id}"
        before_live = await client.get(person, headers=PROVIDER)
        delegated = given_task_delegated(person_id)
        await deliver(runtime, delegated)
        live = await client.get(person, headers=PROVIDER)
        await deliver(
            runtime,
            DelegationEnded(
                person_id=delegated.person_id,
                delegation_id=delegated.delegation_id,
                task_code=delegated.task_code,
                reason="ended",
                effective_date=date(2026, 3, 1),
            ),
        )
        clock.set(datetime(2026, 3, 28, 23, 59, tzinfo=UTC))  # 28 days' grace (the setting)
        in_grace = await client.get(f"{person}/support-plan", headers=PROVIDER)
        listed_in_grace = await client.get("/people", headers=PROVIDER)
        clock.set(datetime(2026, 3, 29, tzinfo=UTC))
        after_grace = await client.get(person, headers=PROVIDER)
        listed_after = await client.get("/people", headers=PROVIDER)
    assert before_live.status_code == 404
    assert live.status_code == in_grace.status_code == 200
    assert after_grace.status_code == 404
    assert [p["id"] for p in listed_in_grace.json()["items"]] == [person_id]
    assert listed_after.json()["items"] == []


async def test_a_registered_practitioner_breaks_the_glass_and_their_auditor_reviews_it(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        records = await given_records(client)
        person = records.reads["person"]
        read = await client.get(person, headers=broken_glass(UNRELATED_PRACTITIONER))
        plan = await client.get(
            records.reads["support_plan"], headers=broken_glass(UNRELATED_PRACTITIONER)
        )
        mdt = await client.get(person, headers=broken_glass(UNRELATED_MDT))
        no_reason = await client.get(person, headers=broken_glass(UNRELATED_PRACTITIONER, "x"))
        review = await client.get(
            "/audit", params={"purpose": "break_glass"}, headers=bearer(Role.AUDITOR, "UHL")
        )
        registering_trust = await client.get(
            "/audit", params={"purpose": "break_glass"}, headers=bearer(Role.AUDITOR, "LPT")
        )
        platform = await client.get(
            "/audit", params={"purpose": "break_glass"}, headers=bearer(Role.AUDITOR, "LLR-ICB")
        )
    assert read.status_code == plan.status_code == 200
    assert read.json()["nhs_number"] is None  # identifiers only within a relationship
    assert mdt.status_code == 404  # only registered practitioners break the glass
    assert no_reason.status_code == 422
    entries = review.json()["items"]
    assert {(e["action"], e["person_id"], e["reason"]) for e in entries} == {
        ("read.person", records.person_id, REASON),
        ("read.support_plan", records.person_id, REASON),
    }
    assert {(e["organisation"], e["role"], e["purpose"]) for e in entries} == {
        ("UHL", "registered_practitioner", "break_glass")
    }
    assert registering_trust.json()["items"] == []
    assert len(platform.json()["items"]) == 2


async def test_a_referred_practitioner_assesses_by_breaking_the_glass_and_is_then_related(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        person_id = await given_person(client)
        url = f"/people/{person_id}/assessments"
        refused = await client.post(
            url, json=given_assessment_body(), headers=UNRELATED_PRACTITIONER
        )
        referred = await client.post(
            url,
            json=given_assessment_body(),
            headers=broken_glass(UNRELATED_PRACTITIONER, "referred by the GP for assessment"),
        )
        then = await client.get(f"/people/{person_id}", headers=UNRELATED_PRACTITIONER)
        review = await client.get(
            "/audit", params={"purpose": "break_glass"}, headers=bearer(Role.AUDITOR, "UHL")
        )
    assert refused.status_code == 404
    assert referred.status_code == 201
    assert referred.json()["partner_organisation"] == "UHL"
    assert then.status_code == 200
    assert then.json()["nhs_number"] is not None  # now a related organisation
    [entry] = review.json()["items"]
    assert (entry["person_id"], entry["reason"]) == (person_id, "referred by the GP for assessment")


async def test_every_read_of_a_person_is_audited_with_who_whom_which_record_and_why(
    service_client: ServiceClient,
) -> None:
    """Issue 14: reads of personal data were not audited."""
    async with service_client(ASSESSMENT) as (client, runtime):
        records = await given_records(client)
        await given_mdt(runtime, records.person_id)
        for url in records.reads.values():
            assert (await client.get(url, headers=PRACTITIONER)).status_code == 200
        listed = await client.get("/people", headers=bearer(Role.MDT_MEMBER, "LLR-ICB"))
        found = await client.post(
            "/people/lookup", json={"nhs_number": records.nhs_number}, headers=PRACTITIONER
        )
        trust = await client.get(
            "/audit",
            params={"person_id": records.person_id, "limit": 200},
            headers=bearer(Role.AUDITOR, "LPT"),
        )
        icb = await client.get(
            "/audit",
            params={"person_id": records.person_id},
            headers=bearer(Role.AUDITOR, "LLR-ICB"),  # a platform auditor: every organisation's
        )
    assert [p["id"] for p in listed.json()["items"]] == [records.person_id]
    assert found.status_code == 200
    reads = [e for e in trust.json()["items"] if e["action"].startswith("read.")]
    assert sorted(e["action"] for e in reads) == sorted(
        [f"read.{record}" for record in records.reads] + ["read.person"]  # and the lookup
    )
    assert {
        (e["user_id"] != "", e["role"], e["organisation"], e["person_id"], e["purpose"])
        for e in reads
    } == {(True, "registered_practitioner", "LPT", records.person_id, "direct_care")}
    [list_read] = [e for e in icb.json()["items"] if e["organisation"] == "LLR-ICB"]
    assert (list_read["action"], list_read["role"], list_read["purpose"]) == (
        "read.person",
        "mdt_member",
        "direct_care",
    )


async def test_the_people_list_is_paginated_with_a_cursor(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        same_instant = sorted([await given_person(client) for _ in range(3)])  # then by id
        clock.move(timedelta(seconds=1))
        later = await given_person(client)
        clock.move(timedelta(seconds=1))
        people = [*same_instant, later, await given_person(client)]
        first = await client.get("/people", params={"limit": 2}, headers=PRACTITIONER)
        pages, cursor = [first.json()["items"]], first.json()["next_cursor"]
        while cursor is not None:
            page = await client.get(
                "/people", params={"limit": 2, "cursor": cursor}, headers=PRACTITIONER
            )
            pages.append(page.json()["items"])
            cursor = page.json()["next_cursor"]
        bad = await client.get("/people", params={"cursor": "not-a-cursor"}, headers=PRACTITIONER)
        naive_instant = json.dumps(["2026-01-05T09:00:00", str(people[0])]).encode()
        naive = await client.get(
            "/people",
            params={"cursor": base64.urlsafe_b64encode(naive_instant).decode()},
            headers=PRACTITIONER,
        )
        too_many = await client.get("/people", params={"limit": 201}, headers=PRACTITIONER)
    assert [len(p) for p in pages] == [2, 2, 1]
    assert [p["id"] for page in pages for p in page] == people
    assert all(p["nhs_number"] for page in pages for p in page)
    assert bad.status_code == naive.status_code == too_many.status_code == 422
    assert bad.json()["errors"][0]["field"] == "cursor"
