"""Care workers read the delegated tasks they are named on (R16, R17, R14): instructions,
schedule, oversight contact and conditions; only their own, of their organisation, audited."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from services.delegation.main import SPEC as DELEGATION
from shared.audit import audit_log
from shared.auth import Role
from shared.testing.events import deliver
from tests.conftest import ServiceClient, bearer, token
from tests.delegation.conftest import (
    MANAGER,
    PROVIDER,
    competence_lapsed,
    given_accepted,
    given_approved,
    given_live,
    given_person,
)

Json = dict[str, Any]


def as_worker(worker_id: uuid.UUID, organisation: str = PROVIDER) -> dict[str, str]:
    """A care worker signed in as the worker id training registered them under."""
    return {
        "Authorization": "Bearer " + token(Role.CARE_WORKER, organisation, user_id=str(worker_id))
    }


async def test_r16_r17_a_named_care_worker_reads_schedule_oversight_contact_and_standing(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        listed = await client.get("/delegated-tasks", headers=as_worker(live.workers[0]))
        one = await client.get(
            f"/delegated-tasks/{live.delegation_id}", headers=as_worker(live.workers[0])
        )
    assert listed.status_code == 200, listed.text
    [task] = listed.json()["items"]
    assert task == one.json()
    assert task["delegation_id"] == live.delegation_id
    assert task["schedule"] == {
        "times_per_day": 2,
        "weekdays": [1, 2, 3, 4, 5, 6, 7],
        "source": "frequency",
    }
    assert task["contact_arrangements"].startswith("District nurse visits")
    assert (task["oversight_kind"], task["oversight_owner"]) == ("community_health_services", "LPT")
    assert (task["standing"], task["may_carry_out_today"]) == ("in_date", True)
    assert task["conditions"] == []
    assert task["training_plan_id"] is not None  # R24: the plan they were trained under
    assert listed.json()["next_cursor"] is None


async def test_r16_a_lapsed_worker_reads_that_they_may_not_carry_it_out_today(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(runtime, competence_lapsed(live.workers[0]))
        task = await client.get(
            f"/delegated-tasks/{live.delegation_id}", headers=as_worker(live.workers[0])
        )
    assert (task.json()["standing"], task.json()["may_carry_out_today"]) == ("lapsed", False)


async def test_r16_a_worker_not_named_on_the_task_neither_lists_nor_reads_it(
    service_client: ServiceClient,
) -> None:
    stranger = uuid.uuid4()
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        listed = await client.get("/delegated-tasks", headers=as_worker(stranger))
        one = await client.get(
            f"/delegated-tasks/{live.delegation_id}", headers=as_worker(stranger)
        )
        other_provider = await client.get(
            f"/delegated-tasks/{live.delegation_id}",
            headers=as_worker(live.workers[0], "INDEPENDENT-SECTOR"),
        )
    assert listed.json() == {"items": [], "next_cursor": None, "next": None}
    assert one.status_code == 404
    assert other_provider.status_code == 404


async def test_only_care_workers_use_the_named_worker_view(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        manager = await client.get("/delegated-tasks", headers=MANAGER)
        mdt = await client.get("/delegated-tasks", headers=bearer(Role.MDT_MEMBER))
    assert (manager.status_code, mdt.status_code) == (403, 403)


async def test_a_care_workers_reads_of_their_tasks_are_audited_as_direct_care(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        worker = as_worker(live.workers[1])
        await client.get("/delegated-tasks", headers=worker)
        await client.get(f"/delegated-tasks/{live.delegation_id}", headers=worker)
        async with runtime.sessions() as session:
            rows = (
                await session.execute(
                    select(audit_log.c.action, audit_log.c.person_id, audit_log.c.user_id).where(
                        audit_log.c.action == "read.delegated_task"
                    )
                )
            ).all()
    assert rows == [("read.delegated_task", str(live.person_id), str(live.workers[1]))] * 2


async def test_the_named_tasks_page_with_a_cursor(service_client: ServiceClient) -> None:
    worker = uuid.uuid4()
    async with service_client(DELEGATION) as (client, runtime):
        ids = []
        for _ in range(2):
            person_id = uuid.uuid4()
            await given_person(runtime, person_id)
            ids.append(await given_approved(client, person_id))
            await given_accepted(client, ids[-1], [worker])
        first = await client.get("/delegated-tasks", params={"limit": 1}, headers=as_worker(worker))
        cursor = first.json()["next_cursor"]
        second = await client.get(
            "/delegated-tasks", params={"limit": 1, "cursor": cursor}, headers=as_worker(worker)
        )
        bad = await client.get(
            "/delegated-tasks", params={"cursor": "x"}, headers=as_worker(worker)
        )
    pages = first.json()["items"] + second.json()["items"]
    assert sorted(t["delegation_id"] for t in pages) == sorted(ids)  # one clock tick: by id
    assert second.json()["next_cursor"] is None
    assert first.json()["items"][0]["may_carry_out_today"] is False  # awaiting its gates
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "cursor"


async def test_r16_a_named_care_worker_reads_the_tasks_delivery_records_and_a_stranger_does_not(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        entry = {
            "delegation_id": live.delegation_id,
            "outcome": "given",
            "administered_at": "2026-01-05T08:30:00+00:00",
        }
        recorded = await client.post(
            "/delivery-records", json={"entries": [entry]}, headers=as_worker(live.workers[0])
        )
        url = f"/delegations/{live.delegation_id}/delivery-records"
        colleague = await client.get(url, headers=as_worker(live.workers[1]))
        stranger = await client.get(url, headers=as_worker(uuid.uuid4()))
    assert recorded.status_code == 201, recorded.text
    assert [e["worker_id"] for e in colleague.json()["items"]] == [str(live.workers[0])]
    assert stranger.status_code == 404
