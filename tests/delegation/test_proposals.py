"""Proposals through the API: R1, R3, R13, bad input, roles and idempotency."""

from __future__ import annotations

import uuid

from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.events.delegation import ProposalSubmitted
from shared.events.vocabulary import Direction, Setting, TaskCategory
from shared.testing.events import published
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import PRACTITIONER, given_proposal_body, post_proposal


async def test_r1_r3_a_practitioner_proposes_and_proposal_submitted_is_published(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        response = await post_proposal(
            client, given_proposal_body(person_id, setting="registered_care_home")
        )
        events = await published(runtime, ProposalSubmitted)
    assert response.status_code == 201
    assert response.json()["status"] == "submitted"
    assert len(events) == 1
    event = events[0]
    assert isinstance(event, ProposalSubmitted)
    assert event.direction is Direction.HEALTH_TO_SOCIAL
    assert event.setting is Setting.REGISTERED_CARE_HOME
    assert event.category is TaskCategory.SKIN_INTEGRITY_AND_WOUNDS


async def test_a_repeated_proposal_with_the_same_idempotency_key_has_no_second_effect(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        body = given_proposal_body(uuid.uuid4())
        headers = PRACTITIONER | {"Idempotency-Key": "proposal-1"}
        first = await post_proposal(client, body, headers=headers)
        second = await client.post("/proposals", json=body, headers=headers)
        events = await published(runtime, ProposalSubmitted)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert len(events) == 1


async def test_bad_proposal_input_is_a_422_naming_the_field(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        negative = await post_proposal(
            client, given_proposal_body(uuid.uuid4(), additional_minutes_per_week=-5)
        )
        unknown = await post_proposal(
            client, given_proposal_body(uuid.uuid4(), task_code="juggling")
        )
        extra = await post_proposal(
            client, given_proposal_body(uuid.uuid4(), nhs_number="9434765919")
        )
    assert negative.status_code == 422
    assert negative.json()["errors"][0]["field"] == "additional_minutes_per_week"
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "task_code"
    assert extra.json()["errors"][0]["field"] == "nhs_number"


async def test_only_registered_practitioners_propose(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        response = await post_proposal(
            client,
            given_proposal_body(uuid.uuid4()),
            headers=bearer(Role.PROVIDER_MANAGER, "CAREWELL-HOMECARE"),
        )
    assert response.status_code == 403


async def test_r1_a_social_care_task_cannot_be_delegated_health_to_social(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        response = await post_proposal(
            client, given_proposal_body(uuid.uuid4(), task_code="personal-care-washing")
        )
    assert response.status_code == 422
    assert response.json()["rule"] == "R1"


async def test_r13_the_delegating_practitioner_must_be_competent_in_the_task(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        body = given_proposal_body(uuid.uuid4())
        body["practitioner"]["competent_in_task"] = False
        response = await post_proposal(client, body)
        events = await published(runtime)
    assert response.json()["rule"] == "R13"
    assert events == []
