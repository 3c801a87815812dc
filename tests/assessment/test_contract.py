"""The assessment API's contract: typed eligibility, enumerated equality values, and
Idempotency-Keys on the consent routes (issue 17)."""

from __future__ import annotations

from typing import Any

from services.assessment.main import SPEC as ASSESSMENT
from services.assessment.main import create_app
from shared.events.assessment import ConsentRecorded, ConsentWithdrawn
from shared.testing.events import published
from tests.assessment.conftest import PRACTITIONER, given_person
from tests.conftest import ServiceClient

CONSENT = {"task_code": "steroid-cream", "given_by": "person", "given_on": "2026-01-04"}


def openapi() -> dict[str, Any]:
    document: dict[str, Any] = create_app().openapi()
    return document


def test_the_eligibility_determination_is_a_typed_model() -> None:
    schemas = openapi()["components"]["schemas"]
    eligibility = schemas["AssessmentRead"]["properties"]["eligibility"]
    assert {"$ref": "#/components/schemas/EligibilityRead"} in eligibility["anyOf"]
    determination = schemas["EligibilityRead"]["properties"]["determination"]
    assert determination == {"$ref": "#/components/schemas/DeterminationRead"}


def test_r6_the_kind_of_assessment_is_an_enumeration_and_the_organisation_is_deprecated() -> None:
    schemas = openapi()["components"]["schemas"]
    create = schemas["AssessmentCreate"]["properties"]
    assert create["kind"] == {"$ref": "#/components/schemas/AssessmentKind"}
    assert set(schemas["AssessmentKind"]["enum"]) >= {"care_act_needs", "health_needs"}
    assert create["partner_organisation"]["deprecated"] is True


def test_r28_every_equality_characteristic_is_an_enumeration() -> None:
    schemas = openapi()["components"]["schemas"]
    profile = schemas["EqualityProfileWrite"]["properties"]
    for characteristic, field in profile.items():
        [ref] = [option["$ref"] for option in field["anyOf"] if "$ref" in option]
        values = schemas[ref.rsplit("/", 1)[-1]]["enum"]
        assert "prefer_not_to_say" in values, characteristic


def test_the_consent_routes_take_an_idempotency_key() -> None:
    paths = openapi()["paths"]
    for path in (
        "/people/{person_id}/consents",
        "/people/{person_id}/consents/{consent_id}/withdrawal",
    ):
        headers = [p["name"] for p in paths[path]["post"]["parameters"] if p["in"] == "header"]
        assert "Idempotency-Key" in headers, path


async def test_r7_consent_repeated_with_its_key_is_recorded_once(
    service_client: ServiceClient,
) -> None:
    headers = PRACTITIONER | {"Idempotency-Key": "consent-1"}
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        url = f"/people/{person_id}/consents"
        first = await client.post(url, json=CONSENT, headers=headers)
        again = await client.post(url, json=CONSENT, headers=headers)
        events = await published(runtime, ConsentRecorded)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert len(events) == 1


async def test_r7_a_withdrawal_repeated_with_its_key_is_withdrawn_once(
    service_client: ServiceClient,
) -> None:
    headers = PRACTITIONER | {"Idempotency-Key": "withdrawal-1"}
    body = {"withdrawn_on": "2026-01-05", "reason": "no longer wishes it"}
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        given = await client.post(
            f"/people/{person_id}/consents", json=CONSENT, headers=PRACTITIONER
        )
        url = f"/people/{person_id}/consents/{given.json()['id']}/withdrawal"
        first = await client.post(url, json=body, headers=headers)
        again = await client.post(url, json=body, headers=headers)
        without_key = await client.post(url, json=body, headers=PRACTITIONER)
        events = await published(runtime, ConsentWithdrawn)
    assert (first.status_code, again.status_code, without_key.status_code) == (200, 200, 409)
    assert again.json()["withdrawn_on"] == "2026-01-05"
    assert len(events) == 1
