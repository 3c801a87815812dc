"""Every service serves its FHIR CapabilityStatement and the partner register (R2) as UK Core
Organizations with their national ODS codes, validated with the R4B models of `fhir.resources`."""

from __future__ import annotations

import pytest

from services.assessment.main import SPEC as ASSESSMENT
from services.delegation.main import SPEC as DELEGATION
from services.funding.main import SPEC as FUNDING
from services.governance.main import SPEC as GOVERNANCE
from services.training.main import SPEC as TRAINING
from shared.auth import Role
from shared.fhir import ODS_SYSTEM
from shared.service import ServiceSpec
from tests.conftest import ServiceClient, bearer
from tests.fhir.validation import entries, fhir_body, link, outcome

R4 = "/fhir/R4"
CARE_WORKER = bearer(Role.CARE_WORKER, "CAREWELL-HOMECARE")


@pytest.mark.parametrize(
    "spec", [ASSESSMENT, DELEGATION, TRAINING, FUNDING, GOVERNANCE], ids=lambda s: s.name
)
async def test_r2_every_service_serves_the_register_with_ods_codes_and_its_capabilities(
    service_client: ServiceClient, spec: ServiceSpec
) -> None:
    async with service_client(spec) as (client, _runtime):
        statement = fhir_body(await client.get(f"{R4}/metadata", headers=CARE_WORKER))
        icb = fhir_body(await client.get(f"{R4}/Organization/LLR-ICB", headers=CARE_WORKER))
        first = fhir_body(await client.get(f"{R4}/Organization?_count=5", headers=CARE_WORKER))
        second = fhir_body(await client.get(link(first, "next") or "", headers=CARE_WORKER))
        trusts = fhir_body(
            await client.get(
                f"{R4}/Organization",
                params={"identifier": f"{ODS_SYSTEM}|RT5"},
                headers=CARE_WORKER,
            )
        )
        unknown_system = await client.get(
            f"{R4}/Organization", params={"identifier": "urn:x|RT5"}, headers=CARE_WORKER
        )
        anonymous = await client.get(f"{R4}/metadata")

    assert statement["fhirVersion"] == "4.0.1"
    assert "Organization" in {r["type"] for r in statement["rest"][0]["resource"]}
    assert icb["identifier"][0] == {"system": ODS_SYSTEM, "value": "QK1"}
    assert icb["name"].startswith("NHS Leicester")
    assert len(entries(first, "Organization")) == 5
    assert first["total"] == second["total"] > 5
    assert not {o["id"] for o in entries(first)} & {o["id"] for o in entries(second)}
    assert {"LPT", "RT5"} <= {o["id"] for o in entries(trusts)}
    outcome(unknown_system, 400)
    outcome(anonymous, 401)
