"""Workers change (R16, R24): a worker leaves the provider (inactive, off every plan, WorkerLeft),
a worker's role changes, workers are listed a page at a time; a worker named on a live
delegation goes on its training plan."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from sqlalchemy import select

from services.training.main import SPEC as TRAINING
from services.training.models import LiveTask
from shared.audit import audit_log
from shared.auth import Role
from shared.events.delegation import NamedWorkerAdded, NamedWorkerRemoved, WorkerRemovalCause
from shared.events.training import TrainingPlanAgreed, WorkerLeft, WorkerRegistered
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient, bearer
from tests.training.builders import (
    MANAGER,
    OTHER_PROVIDER,
    PRACTITIONER,
    PROVIDER,
    TASK,
    TODAY,
    assess,
    given_agreed_plan,
    given_required_plan,
    given_trained,
    given_worker,
    run_expiry_job,
)
from tests.training.test_instructions import given_eye_drops_accepted, instruction

Json = dict[str, Any]


def left_on(day: Any = TODAY) -> Json:
    return {"left_on": day.isoformat()}


async def plan_of(client: Any, plan_id: str) -> Json:
    response = await client.get(f"/training-plans/{plan_id}", headers=MANAGER)
    assert response.status_code == 200, response.text
    body: Json = response.json()
    return body


async def test_registering_a_worker_tells_delegation_whose_worker_it_is(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        [registered] = await published(runtime, WorkerRegistered)
    assert isinstance(registered, WorkerRegistered)
    assert (registered.worker_id, registered.provider_organisation) == (worker, PROVIDER)
    assert registered.registered_on == TODAY


async def test_r16_a_worker_who_leaves_is_inactive_off_every_plan_and_announced(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        leaver, stayer = await given_worker(client), await given_worker(client)
        plan_id = await given_required_plan(client, runtime, [leaver, stayer])
        response = await client.post(
            f"/workers/{leaver}/departure", json=left_on(), headers=MANAGER
        )
        again = await client.post(f"/workers/{leaver}/departure", json=left_on(), headers=MANAGER)
        plan = await plan_of(client, plan_id)
        events = await published(runtime, WorkerLeft)
        async with runtime.sessions() as session:
            actions = list(
                await session.scalars(
                    select(audit_log.c.action).where(audit_log.c.subject == str(leaver))
                )
            )
    assert response.status_code == 200, response.text
    assert (response.json()["active"], response.json()["left_on"]) == (False, TODAY.isoformat())
    assert again.status_code == 200  # the same departure again: no second effect
    assert plan["worker_ids"] == [str(stayer)]
    [event] = events
    assert isinstance(event, WorkerLeft)
    assert (event.worker_id, event.provider_organisation, event.left_on) == (
        leaver,
        PROVIDER,
        TODAY,
    )
    assert "worker.leave" in actions


async def test_r16_a_worker_who_left_is_neither_trained_nor_assessed_any_more(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        left = await client.post(f"/workers/{worker}/departure", json=left_on(), headers=MANAGER)
        training = await client.post(
            f"/workers/{worker}/training-records",
            json={
                "task_code": TASK,
                "kind": "knowledge",
                "completed_on": TODAY.isoformat(),
                "delivered_by": "District Nurse",
            },
            headers=MANAGER,
        )
        assessed = await assess(client, worker)
        competent = await published(runtime, TrainingPlanAgreed)
    assert left.status_code == 200, left.text
    for refused in (training, assessed):
        assert refused.status_code == 422, refused.text
        assert refused.json()["rule"] == "R16"
        assert refused.json()["errors"][0]["field"] == "worker_id"
    assert competent == []


async def test_r16_a_departure_on_another_day_conflicts_and_a_future_one_names_its_field(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, _runtime):
        worker = await given_worker(client)
        future = await client.post(
            f"/workers/{worker}/departure",
            json=left_on(TODAY + timedelta(days=1)),
            headers=MANAGER,
        )
        first = await client.post(
            f"/workers/{worker}/departure",
            json=left_on(TODAY - timedelta(days=1)),
            headers=MANAGER,
        )
        other_day = await client.post(
            f"/workers/{worker}/departure", json=left_on(), headers=MANAGER
        )
        missing = await client.post(f"/workers/{worker}/departure", json={}, headers=MANAGER)
    assert future.status_code == 422
    assert future.json()["errors"][0]["field"] == "left_on"
    assert first.status_code == 200, first.text
    assert other_day.status_code == 409
    assert missing.status_code == 422
    assert "left_on" in missing.text


async def test_only_the_workers_own_provider_manager_records_a_departure(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, _runtime):
        worker = await given_worker(client)
        other = await client.post(
            f"/workers/{worker}/departure",
            json=left_on(),
            headers=bearer(Role.PROVIDER_MANAGER, OTHER_PROVIDER),
        )
        nurse = await client.post(
            f"/workers/{worker}/departure", json=left_on(), headers=PRACTITIONER
        )
        unknown = await client.post(
            f"/workers/{uuid4()}/departure", json=left_on(), headers=MANAGER
        )
        role = await client.put(
            f"/workers/{worker}/role",
            json={"role": "team leader"},
            headers=bearer(Role.PROVIDER_MANAGER, OTHER_PROVIDER),
        )
    assert other.status_code == 404
    assert nurse.status_code == 403
    assert unknown.status_code == 404
    assert role.status_code == 404


async def test_a_workers_role_changes_and_the_audit_trail_keeps_the_old_one(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        changed = await client.put(
            f"/workers/{worker}/role", json={"role": "team leader"}, headers=MANAGER
        )
        blank = await client.put(f"/workers/{worker}/role", json={"role": ""}, headers=MANAGER)
        read = await client.get(f"/workers/{worker}", headers=MANAGER)
        await client.post(f"/workers/{worker}/departure", json=left_on(), headers=MANAGER)
        after_leaving = await client.put(
            f"/workers/{worker}/role", json={"role": "senior care worker"}, headers=MANAGER
        )
        async with runtime.sessions() as session:
            reasons = list(
                await session.scalars(
                    select(audit_log.c.reason).where(
                        audit_log.c.subject == str(worker),
                        audit_log.c.action == "worker.role_change",
                    )
                )
            )
    assert changed.status_code == 200, changed.text
    assert read.json()["role"] == "team leader"
    assert blank.status_code == 422
    assert blank.json()["errors"][0]["field"].endswith("role")
    assert after_leaving.status_code == 409
    assert reasons == ["senior care worker -> team leader"]


async def test_workers_are_listed_a_page_at_a_time_by_active_and_role(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, _runtime):
        workers = [await given_worker(client) for _ in range(3)]
        await client.post(f"/workers/{workers[0]}/departure", json=left_on(), headers=MANAGER)
        await client.put(f"/workers/{workers[1]}/role", json={"role": "lead"}, headers=MANAGER)
        first = await client.get("/workers", params={"limit": 2}, headers=MANAGER)
        second = await client.get(
            "/workers", params={"limit": 2, "cursor": first.json()["next_cursor"]}, headers=MANAGER
        )
        active = await client.get("/workers", params={"active": "true"}, headers=MANAGER)
        gone = await client.get("/workers", params={"active": "false"}, headers=MANAGER)
        leads = await client.get("/workers", params={"role": "lead"}, headers=MANAGER)
        bad = await client.get("/workers", params={"cursor": "nonsense"}, headers=MANAGER)
    ids = [w["id"] for w in first.json()["items"] + second.json()["items"]]
    assert ids == sorted(str(w) for w in workers)  # registered at one instant: by id
    assert first.headers["Link"].startswith("</workers?")
    assert second.json()["next"] is None
    assert {w["id"] for w in active.json()["items"]} == {str(w) for w in workers[1:]}
    assert [w["id"] for w in gone.json()["items"]] == [str(workers[0])]
    assert [w["id"] for w in leads.json()["items"]] == [str(workers[1])]
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "cursor"


def added(plan_delegation: UUID, worker: UUID) -> NamedWorkerAdded:
    return NamedWorkerAdded(
        person_id=uuid4(),
        delegation_id=plan_delegation,
        worker_id=worker,
        task_code=TASK,
        provider_organisation=PROVIDER,
        added_on=TODAY,
    )


async def test_r24_a_worker_named_on_a_live_delegation_goes_on_its_plan_in_force(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        first, newcomer = await given_worker(client), await given_worker(client)
        plan_id = await given_agreed_plan(client, runtime, [first])
        plan = await plan_of(client, plan_id)
        delegation_id = UUID(plan["delegation_id"])
        await deliver(runtime, added(delegation_id, newcomer))
        await deliver(runtime, added(delegation_id, newcomer))  # redelivered: once
        after = await plan_of(client, plan_id)
        agreed = [
            e
            for e in await published(runtime, TrainingPlanAgreed)
            if isinstance(e, TrainingPlanAgreed) and e.worker_id == newcomer
        ]
    assert sorted(after["worker_ids"]) == sorted([str(first), str(newcomer)])
    [event] = agreed
    assert event.plan_id == UUID(plan_id)
    assert event.delegation_id == delegation_id
    assert event.practitioner_organisation == "LPT"


async def test_r24_a_worker_taken_off_a_delegation_comes_off_its_plan_and_live_task(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        first, second = await given_worker(client), await given_worker(client)
        plan_id = await given_agreed_plan(client, runtime, [first, second])
        delegation_id = UUID((await plan_of(client, plan_id))["delegation_id"])
        async with runtime.sessions() as session, session.begin():
            session.add(
                LiveTask(
                    delegation_id=delegation_id,
                    person_id=uuid4(),
                    task_code=TASK,
                    provider_organisation=PROVIDER,
                    worker_ids=[str(first), str(second)],
                    started_on=TODAY,
                    ended_on=None,
                )
            )
        removed = NamedWorkerRemoved(
            person_id=uuid4(),
            delegation_id=delegation_id,
            worker_id=first,
            provider_organisation=PROVIDER,
            removed_on=TODAY,
            cause=WorkerRemovalCause.REMOVED,
        )
        await deliver(runtime, removed)
        plan = await plan_of(client, plan_id)
        async with runtime.sessions() as session:
            task = await session.get(LiveTask, delegation_id)
    assert plan["worker_ids"] == [str(second)]
    assert task is not None
    assert task.worker_ids == [str(second)]


async def test_the_events_of_a_worker_leaving_carry_only_ids_codes_and_dates() -> None:
    fields = set(WorkerLeft.model_fields) | set(WorkerRegistered.model_fields)
    assert fields == {"worker_id", "provider_organisation", "left_on", "registered_on"}
    assert {"worker_id", "delegation_id", "cause"} <= set(NamedWorkerRemoved.model_fields)


async def test_r16_a_worker_named_later_on_a_task_needing_no_training_is_to_be_instructed(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        first, newcomer = await given_worker(client), await given_worker(client)
        accepted = await given_eye_drops_accepted(runtime, [first])
        [requirement] = items_of(
            (await client.get("/instruction-requirements", headers=MANAGER)).json()
        )
        url = f"/instruction-requirements/{requirement['id']}"
        done = await client.post(f"{url}/instructions", json=instruction(first), headers=MANAGER)
        named = added(accepted.delegation_id, newcomer)
        await deliver(runtime, named.model_copy(update={"task_code": accepted.task_code}))
        reopened = (await client.get(url, headers=MANAGER)).json()
        instructed = await client.post(
            f"{url}/instructions", json=instruction(newcomer), headers=MANAGER
        )
        after = (await client.get(url, headers=MANAGER)).json()
    assert done.status_code == 201, done.text
    assert reopened["status"] == "required"
    assert reopened["worker_ids"] == [str(first), str(newcomer)]
    assert instructed.status_code == 201, instructed.text
    assert after["status"] == "instructed"


async def test_r16_a_worker_who_left_is_warned_of_no_expiry(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        stayer, leaver = await given_worker(client), await given_worker(client)
        for worker in (stayer, leaver):
            await given_trained(client, worker)
            assessed = await assess(client, worker, valid_until="2026-03-01")
            assert assessed.status_code == 201, assessed.text
        await client.post(f"/workers/{leaver}/departure", json=left_on(), headers=MANAGER)
        await run_expiry_job(runtime)
        warned = (await client.get("/competence-warnings", headers=MANAGER)).json()
    assert {w["worker_id"] for w in items_of(warned)} == {str(stayer)}


def items_of(body: Any) -> list[Json]:
    found: list[Json] = body["items"] if isinstance(body, dict) else body
    return found
