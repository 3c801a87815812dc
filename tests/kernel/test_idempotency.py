"""Idempotency keys: a repeat has no second effect; a key is the caller organisation's own, for
one route; the same key with a different request is refused, on real PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import func, insert, select

from services.assessment.main import SPEC as ASSESSMENT
from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.delegation import ProposalSubmitted
from shared.idempotency import idempotency_keys
from shared.outbox import Relay
from shared.service import Runtime
from shared.testing.events import published
from tests.assessment.conftest import PRACTITIONER, given_person
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import given_proposal_body, given_related

LPT = bearer(Role.REGISTERED_PRACTITIONER, "LPT")
UHL = bearer(Role.REGISTERED_PRACTITIONER, "UHL")


async def keys_in(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(idempotency_keys)) or 0)


async def test_a_repeated_key_returns_the_first_resource_and_another_organisations_does_not(
    service_client: ServiceClient,
) -> None:
    person_id = uuid.uuid4()
    body = given_proposal_body(person_id)
    async with service_client(DELEGATION) as (client, runtime):
        for organisation in ("LPT", "UHL"):  # both know the person (issue 14)
            await given_related(runtime, person_id, organisation)
        first = await client.post("/proposals", json=body, headers=LPT | {"Idempotency-Key": "p"})
        again = await client.post("/proposals", json=body, headers=LPT | {"Idempotency-Key": "p"})
        elsewhere = await client.post(
            "/proposals", json=body, headers=UHL | {"Idempotency-Key": "p"}
        )
    assert (first.status_code, again.status_code, elsewhere.status_code) == (201, 200, 201)
    assert again.json()["id"] == first.json()["id"]
    assert elsewhere.json()["id"] != first.json()["id"]


async def test_a_key_sent_again_with_a_different_body_is_refused_naming_the_header(
    service_client: ServiceClient,
) -> None:
    headers = LPT | {"Idempotency-Key": "proposal-1"}
    async with service_client(DELEGATION) as (client, runtime):
        bodies = [given_proposal_body(uuid.uuid4()) for _ in range(2)]
        for body in bodies:
            await given_related(runtime, uuid.UUID(body["person_id"]), "LPT")
        first = await client.post("/proposals", json=bodies[0], headers=headers)
        other = await client.post("/proposals", json=bodies[1], headers=headers)
        sent = await published(runtime, ProposalSubmitted)
        keys = await keys_in(runtime)
    assert (first.status_code, other.status_code) == (201, 422)
    problem = other.json()
    assert problem["type"].endswith("/invalid-input")
    assert problem["errors"][0]["field"] == "Idempotency-Key"
    assert "different request" in problem["errors"][0]["reason"]
    assert (len(sent), keys) == (1, 1)  # the refused request wrote nothing


async def test_a_key_sent_again_to_another_resource_of_the_route_is_refused(
    service_client: ServiceClient,
) -> None:
    headers = PRACTITIONER | {"Idempotency-Key": "change-1"}
    body = {"significant": True, "description": "hospital admission"}
    async with service_client(ASSESSMENT) as (client, _):
        one, two = await given_person(client), await given_person(client)
        first = await client.post(f"/people/{one}/need-changes", json=body, headers=headers)
        other = await client.post(f"/people/{two}/need-changes", json=body, headers=headers)
    assert (first.status_code, other.status_code) == (201, 422)
    assert other.json()["errors"][0]["field"] == "Idempotency-Key"


async def test_the_same_key_on_another_route_is_a_different_request(
    service_client: ServiceClient,
) -> None:
    headers = PRACTITIONER | {"Idempotency-Key": "shared-key"}
    change = {"significant": True, "description": "hospital admission"}
    plan = {"visits_per_day": 2, "minutes_per_visit": 30, "days_per_week": 7, "reason": "x"}
    async with service_client(ASSESSMENT) as (client, runtime):
        person = await given_person(client)
        changed = await client.post(f"/people/{person}/need-changes", json=change, headers=headers)
        planned = await client.post(
            f"/people/{person}/support-plan/versions", json=plan, headers=headers
        )
        keys = await keys_in(runtime)
    assert (changed.status_code, planned.status_code) == (201, 201), planned.text
    assert keys == 2


async def test_a_request_that_fails_leaves_no_key_behind(service_client: ServiceClient) -> None:
    headers = PRACTITIONER | {"Idempotency-Key": "retry-me"}
    body = {"significant": True, "description": "hospital admission"}
    async with service_client(ASSESSMENT) as (client, runtime):
        failed = await client.post(
            f"/people/{uuid.uuid4()}/need-changes", json=body, headers=headers
        )
        left = await keys_in(runtime)
        person = await given_person(client)
        mended = await client.post(f"/people/{person}/need-changes", json=body, headers=headers)
    assert (failed.status_code, left, mended.status_code) == (404, 0, 201)


async def test_keys_older_than_the_retention_window_are_deleted(
    things_runtime: Callable[..., Runtime], clock: MovableClock
) -> None:
    runtime = things_runtime(retention_days=7)
    old, recent = clock.now() - timedelta(days=8), clock.now() - timedelta(days=6)
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            insert(idempotency_keys),
            [
                {"scope": "a" * 64, "request_hash": "0" * 64, "created_at": old},
                {"scope": "b" * 64, "request_hash": "0" * 64, "created_at": recent},
            ],
        )
    relay = Relay("things", runtime.sessions, NoBroker(), runtime.clock)

    deleted = await relay.prune()

    assert deleted["idempotency_keys"] == 1
    async with runtime.sessions() as session:
        assert list(await session.scalars(select(idempotency_keys.c.scope))) == ["b" * 64]


class NoBroker:
    async def publish(self, messages: object) -> None:
        raise AssertionError("nothing is relayed here")
