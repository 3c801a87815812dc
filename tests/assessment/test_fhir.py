"""FHIR R4 UK Core views of people, consent and support plans: every resource validated with
the R4B models of `fhir.resources`; search, paging, relationships and errors as
OperationOutcome."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from services.assessment.domain.consents import ConsentState
from services.assessment.domain.fhir import CONSENT_STATUS, LAWFUL_BASIS
from services.assessment.main import SPEC as ASSESSMENT
from shared.audit import audit_log
from shared.auth import Role
from shared.events.assessment import ConsentGivenBy
from shared.fhir import NHS_NUMBER_SYSTEM
from shared.testing.events import deliver
from tests.assessment.conftest import (
    MDT,
    PRACTITIONER,
    given_mdt,
    given_person,
    given_person_body,
    given_task_delegated,
)
from tests.conftest import ServiceClient, bearer
from tests.fhir.validation import entries, fhir_body, link, outcome

R4 = "/fhir/R4"
UNRELATED = bearer(Role.MDT_MEMBER, "UHL")
UNRELATED_PRACTITIONER = bearer(Role.REGISTERED_PRACTITIONER, "UHL")
Json = dict[str, Any]


def test_r7_every_consent_state_and_way_of_giving_it_reads_in_fhir() -> None:
    assert set(CONSENT_STATUS) == set(ConsentState)
    assert set(LAWFUL_BASIS) == set(ConsentGivenBy)


async def given_consent(client: Any, person_id: str, **overrides: Any) -> Json:
    body = {"task_code": "steroid-cream", "given_by": "person", "given_on": "2026-01-04"}
    response = await client.post(
        f"/people/{person_id}/consents", json=body | overrides, headers=PRACTITIONER
    )
    assert response.status_code == 201, response.text
    found: Json = response.json()
    return found


async def test_patient_carries_the_nhs_number_for_a_related_organisation_only(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, _runtime):
        body = given_person_body()
        registered = await client.post("/people", json=body, headers=PRACTITIONER)
        person_id = registered.json()["id"]

        patient = fhir_body(await client.get(f"{R4}/Patient/{person_id}", headers=PRACTITIONER))
        unrelated = await client.get(f"{R4}/Patient/{person_id}", headers=UNRELATED)
        glass = fhir_body(
            await client.get(
                f"{R4}/Patient/{person_id}",
                headers=UNRELATED_PRACTITIONER | {"X-Break-Glass-Reason": "unconscious in A&E"},
            )
        )
        found = fhir_body(
            await client.get(
                f"{R4}/Patient",
                params={"identifier": f"{NHS_NUMBER_SYSTEM}|{body['nhs_number']}"},
                headers=PRACTITIONER,
            )
        )
        hidden = fhir_body(
            await client.get(
                f"{R4}/Patient",
                params={"identifier": f"{NHS_NUMBER_SYSTEM}|{body['nhs_number']}"},
                headers=UNRELATED,
            )
        )

    [nhs_number] = [i for i in patient["identifier"] if i["system"] == NHS_NUMBER_SYSTEM]
    assert nhs_number["value"] == body["nhs_number"]
    [verification] = nhs_number["extension"]
    assert verification["valueCodeableConcept"]["coding"][0]["code"] == "02"  # not PDS-traced
    assert patient["generalPractitioner"] == [{"reference": "Organization/C82001"}]
    outcome(unrelated, 404)
    assert all(i["system"] != NHS_NUMBER_SYSTEM for i in glass["identifier"])
    assert [p["id"] for p in entries(found, "Patient")] == [person_id]
    assert hidden["total"] == 0


async def test_r7_consent_is_active_then_inactive_after_withdrawal_with_its_lawful_basis(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        given = await given_consent(
            client, person_id, given_by="lasting_power_of_attorney", authority_reference="LPA-7"
        )
        active = fhir_body(await client.get(f"{R4}/Consent/{given['id']}", headers=MDT))
        withdrawn = await client.post(
            f"/people/{person_id}/consents/{given['id']}/withdrawal",
            json={"withdrawn_on": "2026-01-05", "reason": "no longer wishes it"},
            headers=PRACTITIONER,
        )
        assert withdrawn.status_code == 200, withdrawn.text
        inactive = fhir_body(await client.get(f"{R4}/Consent/{given['id']}", headers=MDT))

        async def search(**params: str) -> list[str]:
            bundle = fhir_body(
                await client.get(
                    f"{R4}/Consent", params={"patient": person_id, **params}, headers=MDT
                )
            )
            return [c["id"] for c in entries(bundle, "Consent")]

        by_status = (await search(status="active"), await search(status="inactive"))
        hidden = await client.get(f"{R4}/Consent/{given['id']}", headers=UNRELATED)

    assert active["status"] == "active"
    assert active["patient"] == {"reference": f"Patient/{person_id}"}
    assert active["policyRule"]["coding"][0]["code"] == "lasting_power_of_attorney"
    assert "Mental Capacity Act 2005" in active["policyRule"]["text"]
    assert inactive["status"] == "inactive"
    assert inactive["provision"]["period"]["end"] == "2026-01-05"
    assert by_status == ([], [given["id"]])
    outcome(hidden, 404)


async def test_r19_care_plan_lists_delegated_tasks_as_activities_and_keeps_its_versions(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        first = await client.post(
            f"/people/{person_id}/support-plan/versions",
            json={"visits_per_day": 2, "minutes_per_visit": 30, "days_per_week": 7, "reason": "r"},
            headers=PRACTITIONER,
        )
        assert first.status_code == 201, first.text
        delegated = given_task_delegated(person_id)
        await deliver(runtime, delegated)

        plan = fhir_body(await client.get(f"{R4}/CarePlan/{person_id}", headers=MDT))
        version_1 = fhir_body(
            await client.get(f"{R4}/CarePlan/{person_id}/_history/1", headers=MDT)
        )
        no_version = await client.get(f"{R4}/CarePlan/{person_id}/_history/9", headers=MDT)
        searched = fhir_body(
            await client.get(f"{R4}/CarePlan", params={"patient": person_id}, headers=MDT)
        )
        today = runtime.clock.now().date().isoformat()
        recent, stale = [
            fhir_body(
                await client.get(
                    f"{R4}/CarePlan",
                    params={"patient": person_id, "_lastUpdated": when},
                    headers=MDT,
                )
            )["total"]
            for when in (f"ge{today}", f"lt{today}")
        ]
        hidden = await client.get(f"{R4}/CarePlan/{person_id}", headers=UNRELATED)

    assert (recent, stale) == (1, 0)
    assert plan["meta"]["versionId"] == "2"
    assert plan["subject"] == {"reference": f"Patient/{person_id}"}
    assert plan["activity"] == [{"reference": {"reference": f"Task/{delegated.delegation_id}"}}]
    assert plan["description"] == "2 visits a day of 30 minutes, 7 days a week"
    assert version_1["meta"]["versionId"] == "1"
    assert version_1.get("activity") == []
    outcome(no_version, 404)
    assert [p["id"] for p in entries(searched, "CarePlan")] == [person_id]
    outcome(hidden, 404)


async def test_consent_search_pages_with_count_and_a_next_link(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        made = [
            (await given_consent(client, person_id, task_code=f"task-{n}"))["id"] for n in range(3)
        ]
        seen: list[str] = []
        url: str | None = f"{R4}/Consent?patient=Patient/{person_id}&_count=2"
        while url is not None:
            bundle = fhir_body(await client.get(url, headers=MDT))
            assert bundle["total"] == 3
            seen += [c["id"] for c in entries(bundle, "Consent")]
            url = link(bundle, "next")

    assert sorted(seen) == sorted(made)  # same instant on a still clock: ordered by id


async def test_fhir_reads_are_audited_and_bad_input_is_an_operation_outcome(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        fhir_body(await client.get(f"{R4}/Patient/{person_id}", headers=PRACTITIONER))
        async with runtime.sessions() as session:
            actions = (
                await session.scalars(
                    select(audit_log.c.action).where(audit_log.c.person_id == person_id)
                )
            ).all()
        bad = [
            await client.get(f"{R4}/Consent", params=params, headers=MDT)
            for params in (
                {"status": "withdrawn"},
                {"subject": "x"},
                {"_lastUpdated": "gt2026-02-30"},
                {"patient": "Patient/123"},
            )
        ]
        bad_identifier = await client.get(
            f"{R4}/Patient", params={"identifier": "urn:other|123"}, headers=MDT
        )
        provider = await client.get(
            f"{R4}/Patient", headers=bearer(Role.PROVIDER_MANAGER, "PROVIDER-OTHER")
        )
        statement = fhir_body(await client.get(f"{R4}/metadata", headers=MDT))

    assert "read.fhir.Patient" in actions
    for response in bad:
        outcome(response, 400)
    outcome(bad_identifier, 400)
    outcome(provider, 403)  # finding people by NHS number is for clinical readers
    served = {r["type"] for r in statement["rest"][0]["resource"]}
    assert served == {"Patient", "Consent", "CarePlan", "Organization"}
