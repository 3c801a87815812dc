"""R24, R25: a provider's acceptance requires a training plan; agreeing it announces each worker."""

from __future__ import annotations

from uuid import UUID, uuid4

from sqlalchemy import select

from services.training.main import SPEC as TRAINING
from services.training.models import LiveTask
from shared.audit import audit_log
from shared.auth import Role
from shared.events.delegation import DelegationEnded, TaskDelegated
from shared.events.training import TrainingPlanAgreed
from shared.events.vocabulary import Direction, OversightKind, Setting, TaskCategory
from shared.testing.events import deliver, message_for, published
from tests.conftest import ServiceClient, bearer
from tests.training.builders import (
    MANAGER,
    OTHER_PROVIDER,
    PRACTITIONER,
    PROVIDER,
    TASK,
    TODAY,
    given_accepted_delegation,
    given_accountable,
    given_agreed_plan,
    given_required_plan,
    given_worker,
    plan_content,
)


async def test_r24_an_accepted_delegation_requires_a_plan_listing_its_workers_once(
    service_client: ServiceClient,
) -> None:
    workers = [uuid4(), uuid4()]
    async with service_client(TRAINING) as (client, runtime):
        event = await given_accepted_delegation(runtime, workers)
        await deliver(runtime, event)  # the same fact again, under a new event id
        plans = (await client.get("/training-plans", headers=MANAGER)).json()["items"]
        known = (await client.get("/workers", headers=MANAGER)).json()
    [plan] = plans
    assert plan["status"] == "required"
    assert plan["delegation_id"] == str(event.delegation_id)
    assert sorted(plan["worker_ids"]) == sorted(str(w) for w in workers)
    assert plan["content"] is None
    assert {w["id"] for w in known} == {str(w) for w in workers}


async def test_r24_the_plan_is_in_force_and_announced_for_each_worker_once_both_agree(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        workers = [await given_worker(client), await given_worker(client)]
        plan_id = await given_required_plan(client, runtime, workers)
        agreed = await client.post(
            f"/training-plans/{plan_id}/agreement", json=plan_content(), headers=MANAGER
        )
        again = await client.post(
            f"/training-plans/{plan_id}/agreement", json=plan_content(), headers=MANAGER
        )
        after_the_provider = await published(runtime, TrainingPlanAgreed)
        await given_accountable(runtime, UUID(agreed.json()["person_id"]))
        in_force = await client.post(
            f"/training-plans/{plan_id}/practitioner-agreement", headers=PRACTITIONER
        )
        events = await published(runtime, TrainingPlanAgreed)
        async with runtime.sessions() as session:
            audited = (
                await session.execute(
                    select(audit_log.c.action, audit_log.c.organisation).where(
                        audit_log.c.subject == plan_id
                    )
                )
            ).all()
    assert ("training_plan.agree", PROVIDER) in audited
    assert ("training_plan.agree_clinically", "LPT") in audited
    assert agreed.status_code == 200
    assert agreed.json()["status"] == "agreed_by_provider"
    assert agreed.json()["content"]["knowledge_training"]["assessed_by"] == "District Nurse"
    assert again.status_code == 409
    assert after_the_provider == []
    assert in_force.status_code == 200, in_force.text
    assert in_force.json()["status"] == "in_force"
    assert in_force.json()["practitioner_organisation"] == "LPT"
    assert sorted(e.worker_id for e in events) == sorted(workers)  # type: ignore[attr-defined]
    assert all(
        e.model_dump().keys()
        == {
            "worker_id",
            "plan_id",
            "delegation_id",
            "task_code",
            "provider_organisation",
            "agreed_on",
            "practitioner_organisation",
        }
        for e in events
    )


async def test_r25_a_plan_missing_an_item_is_refused_naming_the_field_and_nothing_is_written(
    service_client: ServiceClient,
) -> None:
    content = plan_content()
    del content["not_competent_process"]
    async with service_client(TRAINING) as (client, runtime):
        plan_id = await given_required_plan(client, runtime, [uuid4()])
        missing = await client.post(
            f"/training-plans/{plan_id}/agreement", json=content, headers=MANAGER
        )
        blank = await client.post(
            f"/training-plans/{plan_id}/agreement",
            json=plan_content(clinical_review=""),
            headers=MANAGER,
        )
        unknown = await client.post(
            f"/training-plans/{plan_id}/agreement",
            json=plan_content(worker_names=["x"]),
            headers=MANAGER,
        )
        plan = (await client.get(f"/training-plans/{plan_id}", headers=MANAGER)).json()
        events = await published(runtime, TrainingPlanAgreed)
    assert missing.status_code == 422
    assert missing.json()["errors"][0]["field"] == "not_competent_process"
    assert blank.json()["errors"][0]["field"] == "clinical_review"
    assert unknown.json()["errors"][0]["field"] == "worker_names"
    assert plan["status"] == "required"
    assert events == []


async def test_another_providers_plan_is_not_found_and_not_listed(
    service_client: ServiceClient,
) -> None:
    other = bearer(Role.PROVIDER_MANAGER, OTHER_PROVIDER)
    async with service_client(TRAINING) as (client, runtime):
        plan_id = await given_required_plan(client, runtime, [uuid4()])
        read = await client.get(f"/training-plans/{plan_id}", headers=other)
        agree = await client.post(
            f"/training-plans/{plan_id}/agreement", json=plan_content(), headers=other
        )
        listed = await client.get("/training-plans", headers=other)
    assert read.status_code == 404
    assert agree.status_code == 404
    assert listed.json()["items"] == []


async def test_only_provider_managers_agree_plans(service_client: ServiceClient) -> None:
    async with service_client(TRAINING) as (client, runtime):
        plan_id = await given_required_plan(client, runtime, [uuid4()])
        url = f"/training-plans/{plan_id}/agreement"
        as_worker = await client.post(
            url, json=plan_content(), headers=bearer(Role.CARE_WORKER, PROVIDER)
        )
        anonymous = await client.post(url, json=plan_content())
    assert as_worker.status_code == 403
    assert anonymous.status_code == 401


async def test_r25_backfill_is_minutes_times_the_plans_rate_and_adds_up_to_the_plan_total(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        plan_id = await given_agreed_plan(client, runtime, [worker])  # 1050p an hour
        costs = []
        for minutes in (120, 1, 45):
            release = await client.post(
                f"/training-plans/{plan_id}/releases",
                json={"worker_id": str(worker), "minutes": minutes, "released_on": "2026-01-05"},
                headers=MANAGER,
            )
            assert release.status_code == 201
            costs.append(release.json()["cost_pence"])
        stranger = await client.post(
            f"/training-plans/{plan_id}/releases",
            json={"worker_id": str(uuid4()), "minutes": 60, "released_on": "2026-01-05"},
            headers=MANAGER,
        )
        plan = (await client.get(f"/training-plans/{plan_id}", headers=MANAGER)).json()
    assert costs == [2100, 18, 788]  # 17.5p and 787.5p round half up
    assert plan["backfill_total_pence"] == sum(costs)
    assert stranger.json()["errors"][0]["field"] == "worker_id"


async def test_r25_backfill_waits_for_an_agreed_plan(service_client: ServiceClient) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = uuid4()
        plan_id = await given_required_plan(client, runtime, [worker])
        release = await client.post(
            f"/training-plans/{plan_id}/releases",
            json={"worker_id": str(worker), "minutes": 60, "released_on": "2026-01-05"},
            headers=MANAGER,
        )
    assert release.status_code == 409


async def test_a_live_task_is_recorded_for_its_workers_and_ends_with_the_delegation(
    service_client: ServiceClient,
) -> None:
    workers = [uuid4()]
    async with service_client(TRAINING) as (client, runtime):
        accepted = await given_accepted_delegation(runtime, workers)
        live = TaskDelegated(
            person_id=accepted.person_id,
            delegation_id=accepted.delegation_id,
            task_code=TASK,
            category=TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
            direction=Direction.HEALTH_TO_SOCIAL,
            setting=Setting.OWN_HOME,
            accountable_organisation="LLR-ICB",
            provider_organisation=PROVIDER,
            local_authority="LEICESTER-CITY-COUNCIL",
            additional_minutes_per_week=0,
            start_date=TODAY,
            oversight_kind=OversightKind.COMMUNITY_HEALTH_SERVICES,
            oversight_owner="LPT",
            worker_ids=workers,
        )
        ended = DelegationEnded(
            person_id=accepted.person_id,
            delegation_id=accepted.delegation_id,
            task_code=TASK,
            reason="person moved away",
            effective_date=TODAY,
        )
        message = message_for(ended)
        await deliver(runtime, live)
        await runtime.inbox.deliver(message)
        await runtime.inbox.deliver(message)  # redelivered: no second effect
        async with runtime.sessions() as session:
            task = await session.scalar(select(LiveTask))
        plans = (await client.get("/training-plans", headers=MANAGER)).json()["items"]
    assert task is not None
    assert task.worker_ids == [str(workers[0])]
    assert task.ended_on == TODAY
    assert plans[0]["status"] == "withdrawn"
