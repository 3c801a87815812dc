"""R7 consent as assessment now publishes it: given for one provider, linked to the delegation
that went live under it (so it covers no later delegation of the task), and withdrawn from the
one delegation it was linked to."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from httpx import AsyncClient

from services.delegation.main import SPEC as DELEGATION
from services.delegation.subscriptions import SUBSCRIPTIONS
from shared.auth import Role
from shared.events.assessment import ConsentLinked, ConsentWithdrawn
from shared.service import Runtime
from shared.testing.events import deliver
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import (
    MANAGER,
    PROVIDER,
    Live,
    competent,
    consent,
    given_approved,
    given_live,
    given_person,
    plan,
    withdrawn,
)

OTHER = "OTHER-HOMECARE"
OTHER_MANAGER = bearer(Role.PROVIDER_MANAGER, OTHER)


def consent_gate(body: dict[str, Any]) -> bool:
    [gate] = [g for g in body["waiting_for"] if g["gate"] == "consent"]
    green: bool = gate["green"]
    return green


def linked(live: Live) -> ConsentLinked:
    return ConsentLinked(
        person_id=live.person_id,
        consent_id=live.consent_id,
        task_code=live.task_code,
        delegation_id=uuid.UUID(live.delegation_id),
        provider_organisation=PROVIDER,
        linked_on=date(2026, 1, 5),
    )


async def given_to_other(client: AsyncClient, runtime: Runtime, person_id: uuid.UUID) -> str:
    """A second delegation of the same task for the person, to another provider, accepted and
    trained: only its consent is left to decide."""
    delegation_id = await given_approved(client, person_id, provider_organisation=OTHER)
    worker = uuid.uuid4()
    response = await client.post(
        f"/delegations/{delegation_id}/acceptance",
        json={
            "worker_ids": [str(worker)],
            "training_confirmed": True,
            "supervision_confirmed": True,
            "insurance_and_indemnity_confirmed": True,
        },
        headers=OTHER_MANAGER,
    )
    assert response.status_code == 200, response.text
    await deliver(runtime, competent(worker), plan(worker, delegation_id))
    return delegation_id


async def read(client: AsyncClient, delegation_id: str, headers: dict[str, str]) -> Any:
    response = await client.get(f"/delegations/{delegation_id}", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_r7_consent_links_are_consumed() -> None:
    assert ConsentLinked in SUBSCRIPTIONS


async def test_r7_consent_given_for_one_provider_satisfies_only_a_delegation_to_it(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        await given_person(runtime, person_id)
        delegation_id = await given_approved(client, person_id)
        await deliver(runtime, consent(person_id, provider_organisation=OTHER))
        for_other = await read(client, delegation_id, MANAGER)
        await deliver(runtime, consent(person_id, provider_organisation=PROVIDER))
        for_it = await read(client, delegation_id, MANAGER)
    assert consent_gate(for_other) is False
    assert consent_gate(for_it) is True


async def test_r7_a_linked_task_wide_consent_does_not_satisfy_a_later_delegation_elsewhere(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        first = await given_live(client, runtime)
        before_link = await given_to_other(client, runtime, first.person_id)
        went_live_unlinked = await read(client, before_link, OTHER_MANAGER)
        await deliver(runtime, linked(first))
        first_after = await read(client, first.delegation_id, MANAGER)
        unlinked_after = await read(client, before_link, OTHER_MANAGER)
        later = await given_to_other(client, runtime, first.person_id)
        later_body = await read(client, later, OTHER_MANAGER)
    # before assessment linked it, the task-wide consent was open to any provider
    assert went_live_unlinked["status"] == "live"
    assert first_after["status"] == "live"
    # once linked, the consent covers the first delegation alone: the other stops (R7, R18)
    assert (unlinked_after["status"], unlinked_after["suspension_reason"]) == (
        "suspended",
        "consent_withdrawn",
    )
    assert consent_gate(later_body) is False
    assert later_body["status"] == "awaiting_gates"


async def test_r7_withdrawing_a_linked_consent_stops_only_its_delegation(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        first = await given_live(client, runtime)
        await deliver(runtime, linked(first))
        other = await given_to_other(client, runtime, first.person_id)
        await deliver(runtime, consent(first.person_id, provider_organisation=OTHER))
        other_live = await read(client, other, OTHER_MANAGER)
        await deliver(
            runtime, withdrawn(first, linked_delegation_id=uuid.UUID(first.delegation_id))
        )
        first_after = await read(client, first.delegation_id, MANAGER)
        other_after = await read(client, other, OTHER_MANAGER)
    assert other_live["status"] == "live"
    assert first_after["status"] == "suspended"
    assert first_after["suspension_reason"] == "consent_withdrawn"
    assert other_after["status"] == "live"


async def test_r7_withdrawing_a_provider_consent_leaves_other_providers_delegations_live(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        first = await given_live(client, runtime)
        await deliver(runtime, linked(first))
        other = await given_to_other(client, runtime, first.person_id)
        for_other = consent(first.person_id, provider_organisation=OTHER)
        await deliver(runtime, for_other)
        await deliver(
            runtime,
            ConsentWithdrawn(
                person_id=first.person_id,
                consent_id=for_other.consent_id,
                task_code=first.task_code,
                withdrawn_on=date(2026, 1, 5),
                provider_organisation=OTHER,
            ),
        )
        first_after = await read(client, first.delegation_id, MANAGER)
        other_after = await read(client, other, OTHER_MANAGER)
    assert first_after["status"] == "live"
    assert other_after["status"] == "suspended"
