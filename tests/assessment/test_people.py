"""People: NHS numbers kept here only, pseudonymous ids everywhere else, CHS status events."""

from __future__ import annotations

import uuid

import pytest

from services.assessment.domain.people import nhs_number
from services.assessment.main import SPEC as ASSESSMENT
from shared.auth import Role
from shared.events.assessment import CommunityHealthServicesStatusChanged, PersonRegistered
from shared.testing.events import published
from tests.assessment.conftest import (
    MDT,
    PRACTITIONER,
    given_mdt,
    given_person,
    given_person_body,
)
from tests.conftest import ServiceClient, bearer


def test_an_nhs_number_with_spaces_and_a_good_check_digit_is_accepted() -> None:
    assert nhs_number("943 476 5919") == "9434765919"


@pytest.mark.parametrize("raw", ["943 476 5918", "123456789", "94347659190", "943476591X"])
def test_an_nhs_number_that_fails_is_refused(raw: str) -> None:
    with pytest.raises(ValueError):
        nhs_number(raw)


async def test_r3_registering_a_person_publishes_a_pseudonymous_event(
    service_client: ServiceClient,
) -> None:
    """R3: the setting travels; the NHS number never does."""
    body = given_person_body(setting="supported_living")
    async with service_client(ASSESSMENT) as (client, runtime):
        response = await client.post("/people", json=body, headers=PRACTITIONER)
        [event] = await published(runtime, PersonRegistered)
    assert response.status_code == 201
    assert response.json()["nhs_number"] == body["nhs_number"]
    assert isinstance(event, PersonRegistered)
    assert str(event.person_id) == response.json()["id"]
    assert event.setting == "supported_living"
    assert body["nhs_number"] not in event.model_dump_json()


async def test_an_invalid_nhs_number_is_a_422_naming_the_field_and_the_check(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        response = await client.post(
            "/people", json=given_person_body(nhs_number="943 476 5918"), headers=PRACTITIONER
        )
        events = await published(runtime)
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "nhs_number"
    assert "Modulus 11" in error["reason"]
    assert events == []


async def test_the_same_nhs_number_twice_is_a_409_pointing_to_the_person(
    service_client: ServiceClient,
) -> None:
    body = given_person_body()
    spaced = {**body, "nhs_number": f"{body['nhs_number'][:3]} {body['nhs_number'][3:]}"}
    async with service_client(ASSESSMENT) as (client, runtime):
        first = await client.post("/people", json=body, headers=PRACTITIONER)
        again = await client.post("/people", json=spaced, headers=PRACTITIONER)
        events = await published(runtime, PersonRegistered)
    assert again.status_code == 409
    assert again.json()["existing"] == f"/people/{first.json()['id']}"
    assert body["nhs_number"] not in again.text
    assert len(events) == 1


async def test_r17_opening_and_discharging_from_chs_publish_once_each(
    service_client: ServiceClient,
) -> None:
    """R17: delegation learns when oversight must move to Primary Care."""
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client, open_to_community_health_services=True)
        url = f"/people/{person_id}/community-health-services"
        discharged = await client.put(
            url,
            json={"open_to_community_health_services": False, "effective_date": "2026-01-04"},
            headers=PRACTITIONER,
        )
        repeated = await client.put(
            url, json={"open_to_community_health_services": False}, headers=PRACTITIONER
        )
        events = await published(runtime, CommunityHealthServicesStatusChanged)
    assert discharged.status_code == repeated.status_code == 200
    assert repeated.json()["open_to_community_health_services"] is False
    [event] = events
    assert isinstance(event, CommunityHealthServicesStatusChanged)
    assert (event.open_to_community_health_services, str(event.effective_date)) == (
        False,
        "2026-01-04",
    )
    assert event.gp_practice == "C82001"


async def test_bad_input_names_the_field(service_client: ServiceClient) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        response = await client.post(
            "/people", json=given_person_body(setting="hospital"), headers=PRACTITIONER
        )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "setting"


async def test_a_person_needs_a_token_and_an_assessing_role(service_client: ServiceClient) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        anonymous = await client.post("/people", json=given_person_body())
        mdt = await client.post("/people", json=given_person_body(), headers=MDT)
        care_worker = await client.get("/people", headers=bearer(Role.CARE_WORKER))
    assert anonymous.status_code == 401
    assert mdt.status_code == 403
    assert care_worker.status_code == 403


async def test_mdt_members_read_people_and_an_unknown_person_is_404(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        found = await client.get(f"/people/{person_id}", headers=MDT)
        missing = await client.get(f"/people/{uuid.uuid4()}", headers=MDT)
    assert found.json()["id"] == person_id
    assert missing.status_code == 404


async def test_a_person_is_found_by_nhs_number_in_a_body_never_a_url(
    service_client: ServiceClient,
) -> None:
    body = given_person_body()
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client, nhs_number=body["nhs_number"])
        await given_mdt(runtime, person_id)
        spaced = f"{body['nhs_number'][:3]} {body['nhs_number'][3:6]} {body['nhs_number'][6:]}"
        found = await client.post("/people/lookup", json={"nhs_number": spaced}, headers=MDT)
        unknown = await client.post(
            "/people/lookup", json={"nhs_number": "943 476 5919"}, headers=MDT
        )
        provider = await client.post(
            "/people/lookup",
            json={"nhs_number": spaced},
            headers=bearer(Role.PROVIDER_MANAGER, "P1"),
        )
    assert found.json()["id"] == person_id
    assert unknown.status_code == 404
    assert provider.status_code == 403
