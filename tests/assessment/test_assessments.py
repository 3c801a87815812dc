"""R4 health needs, R5 determinations recorded, R6 trusted assessment, R8 changes in need."""

from __future__ import annotations

from datetime import timedelta

from services.assessment.main import SPEC as ASSESSMENT
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.assessment import NeedChanged
from shared.testing.events import published
from tests.assessment.conftest import (
    MDT,
    PRACTITIONER,
    given_assessment_body,
    given_eligibility,
    given_mdt,
    given_person,
    unable,
)
from tests.conftest import ServiceClient, bearer

COUNCIL_SOCIAL_WORKER = bearer(Role.REGISTERED_PRACTITIONER, "LEICESTER-CITY-COUNCIL")


async def test_r4_a_health_need_is_recorded_whether_or_not_a_professional_must_do_it(
    service_client: ServiceClient,
) -> None:
    needs = [
        {
            "need": "steroid cream to the lower leg",
            "purpose": "treatment",
            "relates_to": "disease",
            "requires_health_professional": False,
        },
        {
            "need": "catheter change",
            "purpose": "management",
            "relates_to": "illness",
            "requires_health_professional": True,
        },
    ]
    async with service_client(ASSESSMENT) as (client, _):
        person_id = await given_person(client)
        response = await client.post(
            f"/people/{person_id}/assessments",
            json=given_assessment_body(health_needs=needs),
            headers=PRACTITIONER,
        )
    assert response.status_code == 201, response.text
    recorded = response.json()["health_needs"]
    assert [{k: v for k, v in n.items() if k in needs[0]} for n in recorded] == needs
    assert all(n["task_codes"] == [] and n["need_id"] for n in recorded)


async def test_r4_a_health_need_must_say_what_it_is_for(service_client: ServiceClient) -> None:
    need = {"need": "cream", "relates_to": "disease", "requires_health_professional": False}
    async with service_client(ASSESSMENT) as (client, _):
        person_id = await given_person(client)
        response = await client.post(
            f"/people/{person_id}/assessments",
            json=given_assessment_body(health_needs=[need]),
            headers=PRACTITIONER,
        )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "health_needs.0.purpose"


async def test_r5_the_determination_is_recorded_with_the_condition_that_failed(
    service_client: ServiceClient,
) -> None:
    one_outcome = given_eligibility(
        observations=[{"observed_on": "2026-01-02", "outcomes": [unable("managing_toilet_needs")]}]
    )
    async with service_client(ASSESSMENT) as (client, _):
        person_id = await given_person(client)
        response = await client.post(
            f"/people/{person_id}/assessments",
            json=given_assessment_body(eligibility=one_outcome),
            headers=PRACTITIONER,
        )
    determination = response.json()["eligibility"]["determination"]
    assert determination["eligible"] is False
    assert determination["failed_conditions"] == ["unable_to_achieve_two_or_more_outcomes"]


async def test_r5_eligible_needs_list_the_outcomes_and_reasons(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        person_id = await given_person(client)
        response = await client.post(
            f"/people/{person_id}/assessments", json=given_assessment_body(), headers=PRACTITIONER
        )
    determination = response.json()["eligibility"]["determination"]
    assert determination["eligible"] is True
    assert determination["unable_outcomes"] == {
        "managing_and_maintaining_nutrition": ["unable_without_help"],
        "maintaining_personal_hygiene": ["endangers_health_or_safety"],
    }


async def test_r5_an_unable_outcome_without_a_reason_is_a_422(
    service_client: ServiceClient,
) -> None:
    no_reason = {"outcome": "managing_toilet_needs", "unable": True, "reasons": []}
    eligibility = given_eligibility(
        observations=[{"observed_on": "2026-01-02", "outcomes": [no_reason]}]
    )
    async with service_client(ASSESSMENT) as (client, _):
        person_id = await given_person(client)
        response = await client.post(
            f"/people/{person_id}/assessments",
            json=given_assessment_body(eligibility=eligibility),
            headers=PRACTITIONER,
        )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith("eligibility.observations.0")


async def test_r6_the_record_keeps_who_assessed_for_which_partner_and_when(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        created = await client.post(
            f"/people/{person_id}/assessments",
            json=given_assessment_body(assessed_on="2026-01-04"),
            headers=COUNCIL_SOCIAL_WORKER,
        )
        reused = await client.get(f"/people/{person_id}/assessments?current=true", headers=MDT)
    body = created.json()
    assert body["assessor_role"] == "registered_practitioner"
    assert body["assessed_by"].startswith("registered_practitioner")
    assert body["partner_organisation"] == "LEICESTER-CITY-COUNCIL"
    assert body["assessed_on"] == "2026-01-04"
    assert [a["id"] for a in reused.json()["items"]] == [body["id"]]


async def test_r6_a_second_assessment_of_the_same_kind_is_a_409_pointing_to_the_current(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        first = await client.post(
            f"/people/{person_id}/assessments",
            json=given_assessment_body(),
            headers=COUNCIL_SOCIAL_WORKER,
        )
        duplicate = await client.post(
            f"/people/{person_id}/assessments", json=given_assessment_body(), headers=PRACTITIONER
        )
        other_kind = await client.post(
            f"/people/{person_id}/assessments",
            json=given_assessment_body(kind="health_needs"),
            headers=PRACTITIONER,
        )
        all_of_them = await client.get(f"/people/{person_id}/assessments", headers=MDT)
        followed = await client.get(duplicate.json()["existing"], headers=PRACTITIONER)
    assert duplicate.status_code == 409
    assert followed.json()["partner_organisation"] == "LEICESTER-CITY-COUNCIL"
    assert duplicate.json()["rule"] == "R6"
    assert duplicate.json()["existing"] == f"/people/{person_id}/assessments/{first.json()['id']}"
    assert other_kind.status_code == 201
    assert len(all_of_them.json()["items"]) == 2


async def test_r6_r8_a_reassessment_after_a_recorded_change_in_need_supersedes_the_current(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        first = await client.post(
            f"/people/{person_id}/assessments", json=given_assessment_body(), headers=PRACTITIONER
        )
        clock.move(timedelta(days=30))
        change = await client.post(
            f"/people/{person_id}/need-changes",
            json={"significant": True, "description": "fall at home"},
            headers=PRACTITIONER,
        )
        change_id = change.json()["id"]
        second = await client.post(
            f"/people/{person_id}/assessments",
            json=given_assessment_body(follows_change_id=change_id),
            headers=PRACTITIONER,
        )
        third = await client.post(
            f"/people/{person_id}/assessments",
            json=given_assessment_body(follows_change_id=change_id),
            headers=PRACTITIONER,
        )
        old = await client.get(f"/people/{person_id}/assessments/{first.json()['id']}", headers=MDT)
    assert second.status_code == 201
    assert old.json()["superseded_by"] == second.json()["id"]
    assert third.status_code == 409  # the same change cannot open the way twice
    assert third.json()["existing"].endswith(second.json()["id"])


async def test_r6_a_change_recorded_before_the_current_assessment_does_not_open_the_way(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        person_id = await given_person(client)
        change = await client.post(
            f"/people/{person_id}/need-changes",
            json={"significant": False, "description": "new walking frame"},
            headers=PRACTITIONER,
        )
        clock.move(timedelta(days=1))
        await client.post(
            f"/people/{person_id}/assessments", json=given_assessment_body(), headers=PRACTITIONER
        )
        stale = await client.post(
            f"/people/{person_id}/assessments",
            json=given_assessment_body(follows_change_id=change.json()["id"]),
            headers=PRACTITIONER,
        )
    assert stale.status_code == 409


async def test_r8_a_change_in_need_is_published_with_its_significance(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        minor = await client.post(
            f"/people/{person_id}/need-changes",
            json={"significant": False, "description": "prefers morning visits"},
            headers=PRACTITIONER,
        )
        major = await client.post(
            f"/people/{person_id}/need-changes",
            json={"significant": True, "description": "stroke"},
            headers=PRACTITIONER,
        )
        events = await published(runtime, NeedChanged)
        listed = await client.get(f"/people/{person_id}/need-changes", headers=MDT)
    assert minor.status_code == major.status_code == 201
    assert [(str(e.change_id), e.significant) for e in events if isinstance(e, NeedChanged)] == [
        (minor.json()["id"], False),
        (major.json()["id"], True),
    ]
    assert len(listed.json()["items"]) == 2


async def test_r8_a_repeated_change_with_the_same_idempotency_key_has_one_effect(
    service_client: ServiceClient,
) -> None:
    headers = {**PRACTITIONER, "Idempotency-Key": "change-42"}
    body = {"significant": True, "description": "hospital admission"}
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        first = await client.post(f"/people/{person_id}/need-changes", json=body, headers=headers)
        again = await client.post(f"/people/{person_id}/need-changes", json=body, headers=headers)
        events = await published(runtime, NeedChanged)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert len(events) == 1


async def test_r8_a_change_dated_in_the_future_is_refused_naming_the_field(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        response = await client.post(
            f"/people/{person_id}/need-changes",
            json={"significant": True, "description": "x", "recorded_on": "2030-01-01"},
            headers=PRACTITIONER,
        )
        events = await published(runtime, NeedChanged)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "recorded_on"
    assert events == []


async def test_mdt_members_read_assessments_but_do_not_assess(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        person_id = await given_person(client)
        response = await client.post(
            f"/people/{person_id}/assessments", json=given_assessment_body(), headers=MDT
        )
        provider = await client.get(
            f"/people/{person_id}/assessments", headers=bearer(Role.PROVIDER_MANAGER, "P1")
        )
    assert response.status_code == 403
    assert provider.status_code == 403
