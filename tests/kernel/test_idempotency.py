"""Idempotency keys: a repeat has no second effect; a key is the caller organisation's own."""

from __future__ import annotations

import uuid

from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import given_proposal_body


async def test_a_repeated_key_returns_the_first_resource_and_another_organisations_does_not(
    service_client: ServiceClient,
) -> None:
    body = given_proposal_body(uuid.uuid4())
    lpt = {**bearer(Role.REGISTERED_PRACTITIONER, "LPT"), "Idempotency-Key": "proposal-1"}
    other = {**bearer(Role.REGISTERED_PRACTITIONER, "UHL"), "Idempotency-Key": "proposal-1"}
    async with service_client(DELEGATION) as (client, _):
        first = await client.post("/proposals", json=body, headers=lpt)
        again = await client.post("/proposals", json=body, headers=lpt)
        elsewhere = await client.post("/proposals", json=body, headers=other)
    assert (first.status_code, again.status_code, elsewhere.status_code) == (201, 200, 201)
    assert again.json()["id"] == first.json()["id"]
    assert elsewhere.json()["id"] != first.json()["id"]
