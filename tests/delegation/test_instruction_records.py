"""Tasks that need no specific training (R16, R17, A 5.13): a worker's recorded instruction
stands for their training plan and competence, does not expire, and the task is overseen by
Primary Care; the events carry the training need and the s.22 test (R11)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from services.delegation.domain import delegations, gates
from services.delegation.handlers.delegations import judge_competence_today
from services.delegation.main import SPEC as DELEGATION
from services.delegation.subscriptions import SUBSCRIPTIONS
from shared.clock import MovableClock
from shared.events.delegation import DelegationAccepted, TaskDelegated
from shared.events.training import InstructionRecorded
from shared.events.vocabulary import OversightKind
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient
from tests.delegation.conftest import (
    GP,
    MANAGER,
    MDT,
    PROVIDER,
    consent,
    given_accepted,
    given_approved,
    given_live,
    given_person,
    run_job,
)

EYE_DROPS = "eye-drops"  # A 5.13: needs no specific training (catalogue, migration 0007)


def instruction(
    worker_id: uuid.UUID, delegation_id: str, person_id: uuid.UUID, task_code: str = EYE_DROPS
) -> InstructionRecorded:
    return InstructionRecorded(
        worker_id=worker_id,
        task_code=task_code,
        person_id=person_id,
        provider_organisation=PROVIDER,
        instructed_on=date(2026, 1, 5),
        delegation_id=uuid.UUID(delegation_id),
    )


def gate_greens(body: dict[str, Any]) -> dict[str, bool]:
    return {g["gate"]: g["green"] for g in body["waiting_for"]}


def test_r16_instruction_records_are_consumed() -> None:
    assert InstructionRecorded in SUBSCRIPTIONS


def test_r16_an_instruction_stands_for_plan_and_competence_only_when_no_training_is_needed() -> (
    None
):
    a, b = uuid.uuid4(), uuid.uuid4()
    facts = gates.Readiness(
        True,
        True,
        (a, b),
        frozenset(),
        frozenset(),
        True,
        "call the practice",
        needs_specific_training=False,
        instructed_workers=frozenset({a}),
    )
    waiting = {s.gate: s for s in gates.gates(facts)}
    assert str(b) in (waiting[gates.Gate.COMPETENCE].waiting_for or "")
    assert "instructed" in (waiting[gates.Gate.COMPETENCE].waiting_for or "")
    assert gates.ready_workers(facts) == {a}
    everyone = replace(facts, instructed_workers=frozenset({a, b}))
    assert gates.all_green(gates.gates(everyone))
    trained_task = replace(everyone, needs_specific_training=True)
    assert gates.ready_workers(trained_task) == frozenset()
    assert not gates.all_green(gates.gates(trained_task))


def test_r16_an_instructed_worker_stands_as_instructed_and_never_lapses() -> None:
    long_after = date(2040, 1, 1)
    assert (
        delegations.standing([], False, long_after, True) is delegations.WorkerStanding.INSTRUCTED
    )
    assert delegations.standing([], True, long_after, True) is delegations.WorkerStanding.LEFT


async def given_instructed_live(
    client: Any, runtime: Any, *, open_to_chs: bool = True
) -> tuple[str, uuid.UUID, list[uuid.UUID]]:
    person_id, workers = uuid.uuid4(), [uuid.uuid4(), uuid.uuid4()]
    await given_person(runtime, person_id, open_to_chs=open_to_chs)
    delegation_id = await given_approved(client, person_id, task_code=EYE_DROPS)
    await given_accepted(client, delegation_id, workers)
    await deliver(runtime, consent(person_id, EYE_DROPS))
    return delegation_id, person_id, workers


async def test_r16_r17_instructed_workers_take_eye_drops_live_overseen_by_primary_care(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        delegation_id, person_id, workers = await given_instructed_live(client, runtime)
        await deliver(runtime, instruction(workers[0], delegation_id, person_id))
        one = (await client.get(f"/delegations/{delegation_id}", headers=MANAGER)).json()
        await deliver(runtime, instruction(workers[1], delegation_id, person_id))
        both = (await client.get(f"/delegations/{delegation_id}", headers=MANAGER)).json()
        [accepted] = await published(runtime, DelegationAccepted)
        [delegated] = await published(runtime, TaskDelegated)
    assert one["status"] == "awaiting_gates"
    assert gate_greens(one)["competence"] is False
    assert both["status"] == "live", both["waiting_for"]
    assert {w["standing"] for w in both["workers"]} == {"instructed"}
    assert isinstance(accepted, DelegationAccepted)
    assert not accepted.needs_specific_training
    assert isinstance(delegated, TaskDelegated)
    assert not delegated.needs_specific_training
    # A 5.13: open to CHS, yet the GP practice oversees a task needing no specific training
    assert (delegated.oversight_kind, delegated.oversight_owner) == (
        OversightKind.PRIMARY_CARE,
        GP,
    )


async def test_r16_an_instruction_does_not_expire(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        delegation_id, person_id, workers = await given_instructed_live(client, runtime)
        await deliver(runtime, *(instruction(w, delegation_id, person_id) for w in workers))
        clock.move(timedelta(days=800))
        await run_job(runtime, judge_competence_today)
        body = (await client.get(f"/delegations/{delegation_id}", headers=MDT)).json()
    assert body["status"] == "live"


async def test_r16_an_instruction_does_not_replace_training_for_a_task_that_needs_it(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id, worker = uuid.uuid4(), uuid.uuid4()
        await given_person(runtime, person_id)
        delegation_id = await given_approved(client, person_id)
        await given_accepted(client, delegation_id, [worker])
        await deliver(
            runtime,
            consent(person_id),
            instruction(worker, delegation_id, person_id, task_code="topical-cream"),
        )
        body = (await client.get(f"/delegations/{delegation_id}", headers=MANAGER)).json()
    assert body["status"] == "awaiting_gates"
    assert gate_greens(body)["competence"] is False
    assert gate_greens(body)["training_plan"] is False


async def test_r11_r16_task_delegated_and_accepted_carry_the_s22_test_and_training_need(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        await given_live(client, runtime)
        [accepted] = await published(runtime, DelegationAccepted)
        [delegated] = await published(runtime, TaskDelegated)
    assert isinstance(accepted, DelegationAccepted)
    assert accepted.needs_specific_training
    assert isinstance(delegated, TaskDelegated)
    assert (delegated.section_22_met, delegated.needs_specific_training) == (True, True)
