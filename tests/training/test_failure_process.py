"""R25: not yet competent starts the failure process; repeated failures tell the manager."""

from __future__ import annotations

from datetime import timedelta

from services.training.main import SPEC as TRAINING
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.training import (
    CompetenceAssessed,
    CompetenceFailureEscalated,
    CompetenceOutcome,
)
from shared.testing.events import published
from tests.conftest import ServiceClient, bearer
from tests.training.builders import (
    MANAGER,
    OTHER_PROVIDER,
    PROVIDER,
    TASK,
    assess,
    given_trained,
    given_worker,
)


def two_weeks(clock: MovableClock) -> str:
    return (clock.now().date() + timedelta(days=14)).isoformat()


async def test_r25_not_yet_competent_starts_the_failure_process(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        await assess(client, worker)
        failed = await assess(client, worker, "not_yet_competent", evidence="Missed a step")
        competence = await client.get(
            f"/workers/{worker}/competence", params={"task_code": TASK}, headers=MANAGER
        )
        again_without_training = await assess(client, worker, evidence="retry")
        clock.move(timedelta(days=14))
        await given_trained(client, worker, clock.now().date())
        after_further_training = await assess(client, worker, evidence="retry")
        events = await published(runtime, CompetenceAssessed)
    assert failed.status_code == 201
    assert failed.json()["reassessment_on"] == "2026-01-19"
    assert competence.json() | {"worker_id": None} == {
        "worker_id": None,
        "task_code": TASK,
        "person_id": None,
        "competent": False,
        "in_failure_process": True,
        "valid_until": None,
        "reassessment_on": "2026-01-19",
        "instructed_on": None,
        "refresher_due_on": None,
    }
    assert again_without_training.json()["rule"] == "R16"
    assert after_further_training.status_code == 201
    assert [e.outcome for e in events] == [  # type: ignore[attr-defined]
        CompetenceOutcome.COMPETENT,
        CompetenceOutcome.NOT_YET_COMPETENT,
        CompetenceOutcome.COMPETENT,
    ]


async def test_r25_the_provider_manager_is_told_after_two_failures_by_default(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        worker = await given_worker(client)
        await given_trained(client, worker)
        await assess(client, worker, "not_yet_competent", evidence="first attempt")
        after_one = await published(runtime, CompetenceFailureEscalated)
        clock.move(timedelta(days=14))
        await given_trained(client, worker, clock.now().date())
        await assess(
            client, worker, "not_yet_competent", evidence="second", reassessment_on=two_weeks(clock)
        )
        escalated = await published(runtime, CompetenceFailureEscalated)
        own = await client.get("/failure-escalations", headers=MANAGER)
        other = await client.get(
            "/failure-escalations", headers=bearer(Role.PROVIDER_MANAGER, OTHER_PROVIDER)
        )
    assert after_one == []
    [event] = escalated
    assert isinstance(event, CompetenceFailureEscalated)
    assert (event.worker_id, event.failures, event.provider_organisation) == (worker, 2, PROVIDER)
    assert [e["worker_id"] for e in own.json()["items"]] == [str(worker)]
    assert other.json()["items"] == []


async def test_r25_the_ipcb_sets_how_many_failures_tell_the_provider_manager(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(TRAINING) as (client, runtime):
        as_manager = await client.put(
            "/competence-policy", json={"failures_before_escalation": 3}, headers=MANAGER
        )
        changed = await client.put(
            "/competence-policy",
            json={"failures_before_escalation": 3},
            headers=bearer(Role.IPCB_MEMBER),
        )
        worker = await given_worker(client)
        counts = []
        for attempt in range(3):
            clock.move(timedelta(days=14))
            await given_trained(client, worker, clock.now().date())
            await assess(
                client,
                worker,
                "not_yet_competent",
                evidence=f"{attempt}",
                reassessment_on=two_weeks(clock),
            )
            counts.append(len(await published(runtime, CompetenceFailureEscalated)))
    assert as_manager.status_code == 403
    assert changed.json() == {"failures_before_escalation": 3}
    assert counts == [0, 0, 1]
