"""R11 as corrected: the MDT has regard to Care Act s.22; a failed test changes who funds the
task (NHS or a joint package, never the council), not whether it may be delegated."""

from __future__ import annotations

import uuid
from typing import Any

from services.delegation.main import SPEC as DELEGATION
from services.delegation.models import Decision, Delegation
from shared.service import Runtime
from tests.conftest import ServiceClient
from tests.delegation.conftest import MDT, given_decision_body, given_proposal

FAILED = {
    "merely_incidental_or_ancillary": False,
    "of_a_nature_a_local_authority_could_provide": True,
}


async def delegation_row(runtime: Runtime, delegation_id: str) -> Delegation:
    async with runtime.sessions() as session:
        row = await session.get(Delegation, uuid.UUID(delegation_id))
    assert row is not None
    return row


async def decision_row(runtime: Runtime, decision_id: str) -> Decision:
    async with runtime.sessions() as session:
        row = await session.get(Decision, uuid.UUID(decision_id))
    assert row is not None
    return row


async def decide(client: Any, proposal_id: str, **overrides: Any) -> Any:
    return await client.post(
        f"/proposals/{proposal_id}/decision", json=given_decision_body(**overrides), headers=MDT
    )


async def test_r11_a_failed_section_22_test_still_delegates_as_nhs_funded(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        response = await decide(client, proposal_id, section_22=FAILED)
        body = response.json()
        delegation = await delegation_row(runtime, body["delegation_id"])
        decision = await decision_row(runtime, body["id"])
    assert response.status_code == 201
    assert (body["section_22_met"], body["funding_basis"]) == (False, "nhs_funded")
    assert (delegation.section_22_met, delegation.funding_basis) == (False, "nhs_funded")
    assert (decision.section_22_met, decision.funding_basis) == (False, "nhs_funded")
    assert delegation.accountable_organisation is None  # set at go-live, to the ICB (R13)


async def test_r11_a_failed_test_may_go_ahead_as_a_joint_package(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        response = await decide(
            client, proposal_id, section_22=FAILED, section_22_funding="joint_package"
        )
        delegation = await delegation_row(runtime, response.json()["delegation_id"])
    assert response.status_code == 201
    assert (delegation.section_22_met, delegation.funding_basis) == (False, "joint_package")


async def test_r11_a_passed_test_is_recorded_with_no_funding_change(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        response = await decide(client, proposal_id)
        delegation = await delegation_row(runtime, response.json()["delegation_id"])
    assert (delegation.section_22_met, delegation.funding_basis) == (True, None)


async def test_r11_the_test_does_not_apply_social_to_health(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        proposal_id = await given_proposal(
            client, uuid.uuid4(), task_code="personal-care-washing", direction="social_to_health"
        )
        response = await decide(client, proposal_id, section_22=None)
        delegation = await delegation_row(runtime, response.json()["delegation_id"])
    assert response.status_code == 201
    assert (delegation.section_22_met, delegation.funding_basis) == (None, None)


async def test_r11_the_mdt_may_still_decide_not_to_delegate_when_the_test_fails(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        response = await decide(
            client,
            proposal_id,
            outcome="refused",
            section_22=FAILED,
            reasons="the NHS should provide this itself",
        )
    assert response.status_code == 201
    assert response.json()["delegation_id"] is None


async def test_r11_an_unknown_funding_basis_is_a_422_naming_the_field(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        response = await decide(
            client, proposal_id, section_22=FAILED, section_22_funding="local_authority"
        )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "section_22_funding"
