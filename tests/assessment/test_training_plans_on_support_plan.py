"""R24: the support plan identifies the training plan in force that covers each delegated task."""

from __future__ import annotations

import uuid
from datetime import date

from services.assessment.domain.plans import Plan, PlanTask
from services.assessment.domain.training_plans import with_training_plan
from services.assessment.main import SPEC as ASSESSMENT
from services.assessment.subscriptions import SUBSCRIPTIONS
from shared.events.assessment import SupportPlanVersioned
from shared.events.delegation import DelegationEnded, TaskDelegated
from shared.events.training import TrainingPlanOnSupportPlan
from shared.testing.events import deliver, message_for, published
from tests.assessment.conftest import MDT, given_mdt, given_person, given_task_delegated
from tests.conftest import ServiceClient


def training_plan_for(delegated: TaskDelegated) -> TrainingPlanOnSupportPlan:
    return TrainingPlanOnSupportPlan(
        person_id=delegated.person_id,
        plan_id=uuid.uuid4(),
        delegation_id=delegated.delegation_id,
        task_code=delegated.task_code,
        provider_organisation=delegated.provider_organisation,
        practitioner_organisation="LPT",
        in_force_on=date(2026, 1, 5),
        refresher_interval_months=12,
        reassessment_interval_months=12,
    )


def test_r24_assessment_records_the_training_plan_on_the_support_plan() -> None:
    assert TrainingPlanOnSupportPlan in SUBSCRIPTIONS


def test_r24_a_task_already_on_the_plan_gets_its_training_plan_once() -> None:
    task = PlanTask(uuid.uuid4(), "steroid-cream", "PROVIDER-HOMECARE-1")
    covered = PlanTask(task.delegation_id, task.task_code, task.provider_organisation, uuid.uuid4())
    plan = Plan(version=1, tasks=(task,))
    recorded = with_training_plan(plan, covered, ever_on_plan=True)
    assert recorded is not None
    assert (recorded.version, recorded.tasks) == (2, (covered,))
    assert with_training_plan(recorded, covered, ever_on_plan=True) is None


def test_r24_a_task_that_left_the_plan_is_not_put_back_by_its_training_plan() -> None:
    covered = PlanTask(uuid.uuid4(), "steroid-cream", "PROVIDER-HOMECARE-1", uuid.uuid4())
    assert with_training_plan(Plan(version=3), covered, ever_on_plan=True) is None
    added = with_training_plan(Plan(version=3), covered, ever_on_plan=False)
    assert added is not None
    assert added.tasks == (covered,)


async def test_r24_the_support_plan_names_the_training_plan_covering_the_live_task(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        delegated = given_task_delegated(person_id)
        training = training_plan_for(delegated)
        await deliver(runtime, delegated)
        message = message_for(training)
        await runtime.inbox.deliver(message)
        await runtime.inbox.deliver(message)  # redelivered: no second effect
        await deliver(runtime, training)  # told again under a new event id: still one version
        plan = await client.get(f"/people/{person_id}/support-plan", headers=MDT)
        versions = await client.get(f"/people/{person_id}/support-plan/versions", headers=MDT)
    assert plan.json()["tasks"] == [
        {
            "delegation_id": str(delegated.delegation_id),
            "task_code": "steroid-cream",
            "provider_organisation": "PROVIDER-HOMECARE-1",
            "training_plan_id": str(training.plan_id),
        }
    ]
    assert [v["version"] for v in versions.json()["items"]] == [1, 2]


async def test_r24_the_training_plan_arriving_before_the_task_puts_the_live_task_on_once(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        delegated = given_task_delegated(person_id)
        training = training_plan_for(delegated)
        await deliver(runtime, training)
        await deliver(runtime, delegated)
        plan = await client.get(f"/people/{person_id}/support-plan", headers=MDT)
        events = await published(runtime, SupportPlanVersioned)
    [task] = plan.json()["tasks"]
    assert task["training_plan_id"] == str(training.plan_id)
    assert len(events) == 1


async def test_r24_a_training_plan_arriving_after_the_task_ended_does_not_bring_it_back(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        delegated = given_task_delegated(person_id)
        ended = DelegationEnded(
            person_id=delegated.person_id,
            delegation_id=delegated.delegation_id,
            task_code=delegated.task_code,
            reason="person moved",
            effective_date=date(2026, 3, 1),
        )
        await deliver(runtime, delegated)
        await deliver(runtime, ended)
        await deliver(runtime, training_plan_for(delegated))
        plan = await client.get(f"/people/{person_id}/support-plan", headers=MDT)
    assert plan.json()["tasks"] == []
