"""R24: a training plan is in force only when the accountable practitioner agrees it too, and
then it goes on the person's support plan when the task goes live."""

from __future__ import annotations

from datetime import date
from uuid import UUID, uuid4

from services.training.main import SPEC as TRAINING
from shared.auth import Role
from shared.events.delegation import DelegationEnded, TaskDelegated
from shared.events.training import TrainingPlanAgreed, TrainingPlanOnSupportPlan
from shared.events.vocabulary import Direction, OversightKind, Setting, TaskCategory
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient, bearer
from tests.training.builders import (
    MANAGER,
    PRACTITIONER,
    PROVIDER,
    TASK,
    TODAY,
    given_accountable,
    given_agreed_plan,
    given_provider_agreed_plan,
    given_required_plan,
    given_worker,
    plan_content,
)

COUNCIL_PRACTITIONER = bearer(Role.REGISTERED_PRACTITIONER, "LEICESTER-CITY-COUNCIL")


def agreement(plan_id: str) -> str:
    return f"/training-plans/{plan_id}/practitioner-agreement"


async def test_r24_a_practitioner_whose_trust_neither_proposed_nor_oversees_the_task_is_refused(
    service_client: ServiceClient,
) -> None:
    """LPT's nurse acts for the provider (approved to assess its workers) but LPT has no MDT or
    oversight relationship with this person: she may read the plan, not agree it."""
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)  # the provider approves LPT's nurse
        plan_id = await given_required_plan(client, runtime, [worker])
        agreed = await client.post(
            f"/training-plans/{plan_id}/agreement", json=plan_content(), headers=MANAGER
        )
        read = await client.get(f"/training-plans/{plan_id}", headers=PRACTITIONER)
        refused = await client.post(agreement(plan_id), headers=PRACTITIONER)
        by_the_manager = await client.post(agreement(plan_id), headers=MANAGER)
        plan = (await client.get(f"/training-plans/{plan_id}", headers=MANAGER)).json()
        events = await published(runtime, TrainingPlanAgreed)
    assert agreed.status_code == 200
    assert read.status_code == 200
    assert refused.status_code == 403
    assert "R24" in refused.json()["detail"]
    assert by_the_manager.status_code == 403
    assert plan["status"] == "agreed_by_provider"
    assert events == []


async def test_r24_a_council_practitioner_on_the_mdt_does_not_agree_the_clinical_side(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        plan_id = await given_provider_agreed_plan(client, runtime, [uuid4()])
        plan = (await client.get(f"/training-plans/{plan_id}", headers=MANAGER)).json()
        await given_accountable(runtime, UUID(plan["person_id"]), "LEICESTER-CITY-COUNCIL")
        refused = await client.post(agreement(plan_id), headers=COUNCIL_PRACTITIONER)
    assert refused.status_code == 403


async def test_r24_the_practitioner_cannot_agree_before_the_provider_has(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        plan_id = await given_required_plan(client, runtime, [uuid4()])
        plan = (await client.get(f"/training-plans/{plan_id}", headers=MANAGER)).json()
        await given_accountable(runtime, UUID(plan["person_id"]))
        early = await client.post(agreement(plan_id), headers=PRACTITIONER)
    assert early.status_code == 409
    assert early.json()["state"] == "required"


async def test_r24_a_returned_plan_is_revised_by_the_provider_then_agreed_and_in_force(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        workers = [uuid4()]
        plan_id = await given_provider_agreed_plan(client, runtime, workers)
        url = f"/training-plans/{plan_id}/return"
        blank = await client.post(url, json={"reason": " "}, headers=PRACTITIONER)
        returned = await client.post(
            url, json={"reason": "Clinical review every week at first"}, headers=PRACTITIONER
        )
        revised = await client.post(
            f"/training-plans/{plan_id}/agreement",
            json=plan_content(clinical_review="District Nurse reviews the skin every week"),
            headers=MANAGER,
        )
        in_force = await client.post(agreement(plan_id), headers=PRACTITIONER)
        events = await published(runtime, TrainingPlanAgreed)
    assert blank.json()["errors"][0]["field"] == "reason"
    assert returned.json()["status"] == "required"
    assert returned.json()["returned_reason"] == "Clinical review every week at first"
    assert revised.json()["status"] == "agreed_by_provider"
    body = in_force.json()
    assert (body["status"], body["practitioner_agreed_on"]) == ("in_force", TODAY.isoformat())
    assert body["content"]["clinical_review"] == "District Nurse reviews the skin every week"
    assert [e.worker_id for e in events] == workers  # type: ignore[attr-defined]


async def test_r24_an_ended_delegation_withdraws_a_plan_the_practitioner_had_not_agreed(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        plan_id = await given_provider_agreed_plan(client, runtime, [uuid4()])
        plan = (await client.get(f"/training-plans/{plan_id}", headers=MANAGER)).json()
        ended = DelegationEnded(
            person_id=UUID(plan["person_id"]),
            delegation_id=UUID(plan["delegation_id"]),
            task_code=TASK,
            reason="person moved away",
            effective_date=TODAY,
        )
        await deliver(runtime, ended)
        late = await client.post(agreement(plan_id), headers=PRACTITIONER)
        after = (await client.get(f"/training-plans/{plan_id}", headers=MANAGER)).json()
    assert after["status"] == "withdrawn"
    assert late.status_code == 409


def live(plan: dict[str, object]) -> TaskDelegated:
    return TaskDelegated(
        person_id=UUID(str(plan["person_id"])),
        delegation_id=UUID(str(plan["delegation_id"])),
        task_code=TASK,
        category=TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
        direction=Direction.HEALTH_TO_SOCIAL,
        setting=Setting.OWN_HOME,
        accountable_organisation="LPT",
        provider_organisation=PROVIDER,
        local_authority="LEICESTER-CITY-COUNCIL",
        additional_minutes_per_week=0,
        start_date=TODAY,
        oversight_kind=OversightKind.COMMUNITY_HEALTH_SERVICES,
        oversight_owner="LPT",
        worker_ids=[UUID(str(w)) for w in plan["worker_ids"]],  # type: ignore[attr-defined]
    )


async def test_r24_the_plan_in_force_goes_on_the_support_plan_when_the_task_goes_live(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        plan_id = await given_agreed_plan(
            client, runtime, [uuid4()], refresher_interval_months=6, reassessment_interval_months=9
        )
        plan = (await client.get(f"/training-plans/{plan_id}", headers=MANAGER)).json()
        await deliver(runtime, live(plan))
        [entry] = await published(runtime, TrainingPlanOnSupportPlan)
    assert isinstance(entry, TrainingPlanOnSupportPlan)
    assert (entry.plan_id, entry.delegation_id, entry.person_id) == (
        UUID(plan_id),
        UUID(plan["delegation_id"]),
        UUID(plan["person_id"]),
    )
    assert (entry.practitioner_organisation, entry.in_force_on) == ("LPT", date(2026, 1, 5))
    assert (entry.refresher_interval_months, entry.reassessment_interval_months) == (6, 9)


async def test_r24_a_plan_not_in_force_never_goes_on_the_support_plan(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        plan_id = await given_provider_agreed_plan(client, runtime, [uuid4()])
        plan = (await client.get(f"/training-plans/{plan_id}", headers=MANAGER)).json()
        await deliver(runtime, live(plan))
        entries = await published(runtime, TrainingPlanOnSupportPlan)
    assert entries == []
