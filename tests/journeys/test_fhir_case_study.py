"""Issue 19: the case study read as FHIR R4 UK Core, in both runtime modes.

The Deck's case study runs through the JSON APIs (the journeys' own steps); an NHS system then
reads it as FHIR: the Patient, their Consent, the delegated Task, the CarePlan it joins and the
CareTeam around it. Every resource validates with the R4B models of `fhir.resources`, and every
reference in them resolves at the FHIR base of the service that serves its type.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx

from shared.fhir import NHS_NUMBER_SYSTEM, ODS_SYSTEM
from tests.fhir.validation import fhir_body
from tests.journeys.platform import Platform
from tests.journeys.test_journeys import CHS, Steps

R4 = "/fhir/R4"
Json = dict[str, Any]
# Which service serves which resource type (Organization: every service, from the register).
SERVED_BY = {
    "Patient": "assessment",
    "Consent": "assessment",
    "CarePlan": "assessment",
    "Task": "delegation",
    "CareTeam": "delegation",
    "Practitioner": "delegation",
    "PractitionerRole": "delegation",
    "Provenance": "delegation",
    "Organization": "governance",
}


def references(node: Any) -> Iterator[str]:
    """Every literal reference (`Type/id`) anywhere in a resource."""
    if isinstance(node, dict):
        if isinstance(node.get("reference"), str):
            yield node["reference"]
        for value in node.values():
            yield from references(value)
    elif isinstance(node, list):
        for value in node:
            yield from references(value)


async def read(platform: Platform, reference: str, headers: dict[str, str]) -> Json:
    client = platform.client(SERVED_BY[reference.split("/")[0]])
    return fhir_body(await client.get(f"{R4}/{reference}", headers=headers))


async def test_journey_fhir_case_study_reads_as_uk_core_and_its_references_resolve(
    platform: Platform,
) -> None:
    steps = await Steps.start(platform)
    live = await steps.live()
    nurse = steps.practitioner  # the District Nurse's trust: it proposed and oversees the task
    person = await steps.read(steps.assessment, f"/people/{live.person_id}", nurse)

    patient = await read(platform, f"Patient/{live.person_id}", nurse)
    consent = await read(platform, f"Consent/{live.consent_id}", nurse)
    task = await read(platform, f"Task/{live.delegation_id}", nurse)
    team = await read(platform, f"CareTeam/{live.delegation_id}", nurse)

    async def care_plan() -> httpx.Response:
        return await steps.assessment.get(f"{R4}/CarePlan/{live.person_id}", headers=nurse)

    def has_the_task(response: httpx.Response) -> bool:
        return response.status_code == 200 and {
            "reference": {"reference": f"Task/{live.delegation_id}"}
        } in response.json().get("activity", [])

    plan = fhir_body(await platform.until(care_plan, has_the_task))

    assert {"system": NHS_NUMBER_SYSTEM, "value": person["nhs_number"]} in [
        {k: i[k] for k in ("system", "value")} for i in patient["identifier"]
    ]
    assert consent["status"] == "active"
    assert consent["patient"] == {"reference": f"Patient/{live.person_id}"}
    assert task["status"] == "in-progress"
    assert task["for"] == {"reference": f"Patient/{live.person_id}"}
    assert task["owner"] == {"reference": f"Organization/{live.provider}"}
    assert task["focus"] == {"reference": f"CarePlan/{live.person_id}"}
    assert plan["subject"] == {"reference": f"Patient/{live.person_id}"}
    assert team["managingOrganization"] == [{"reference": f"Organization/{CHS}"}]

    resolved: dict[str, Json] = {}
    for resource in (patient, consent, task, plan, team):
        for reference in references(resource):
            if reference not in resolved:
                resolved[reference] = await read(platform, reference, nurse)
                assert resolved[reference]["id"] == reference.split("/", 1)[1]
    role = resolved[task["requester"]["reference"]]
    resolved[role["practitioner"]["reference"]] = await read(
        platform, role["practitioner"]["reference"], nurse
    )
    assert f"Organization/{CHS}" in resolved
    assert {"system": ODS_SYSTEM, "value": "RT5"} in resolved[f"Organization/{CHS}"]["identifier"]
    assert {r.split("/")[0] for r in resolved} >= {
        "Patient",
        "Organization",
        "Task",
        "CarePlan",
        "PractitionerRole",
        "Practitioner",
    }
