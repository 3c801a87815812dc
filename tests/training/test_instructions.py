"""R16, A 5.13: a task that needs no specific training (medication prompts, eye drops) is not
forced through a training plan and a competence assessment; each worker's instruction is
recorded instead, and InstructionRecorded tells the delegation service."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest

from services.training.domain import instructions as domain
from services.training.domain.instructions import (
    InstructionCommand,
    InstructionGiven,
    InstructionStatus,
    InstructionTopic,
    RequirementFacts,
)
from services.training.main import SPEC as TRAINING
from shared.auth import Role
from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.events.delegation import DelegationAccepted, DelegationEnded
from shared.events.training import InstructionRecorded, TrainingPlanAgreed
from shared.service import Runtime
from shared.testing.events import deliver, message_for, published
from shared.testing.races import assert_one_winner, race
from tests.conftest import ServiceClient, bearer
from tests.training.builders import MANAGER, OTHER_PROVIDER, PROVIDER, TODAY

EYE_DROPS = "eye-drops"
ALL_REQUIRED = [t.value for t in domain.REQUIRED_TOPICS]


def given_requirement(**changes: Any) -> RequirementFacts:
    workers = [uuid4(), uuid4()]
    values: dict[str, Any] = {
        "delegation_id": uuid4(),
        "person_id": uuid4(),
        "task_code": EYE_DROPS,
        "provider_organisation": PROVIDER,
        "status": InstructionStatus.REQUIRED,
        "worker_ids": workers,
        "instructed": set(),
    }
    return RequirementFacts(**(values | changes))


def given_instruction(worker_id: UUID, **changes: Any) -> InstructionGiven:
    values: dict[str, Any] = {
        "worker_id": worker_id,
        "instructed_on": TODAY,
        "covered": set(domain.REQUIRED_TOPICS),
    }
    return InstructionGiven(**(values | changes))


def instruction(worker_id: UUID, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "worker_id": str(worker_id),
        "instructed_by": "dn-17",
        "instructor_role": "registered_nurse",
        "instructed_on": TODAY.isoformat(),
        "covered": [*ALL_REQUIRED, "risks_and_changes_to_watch_for"],
        "notes": "Showed how to hold the eyelid; one drop each eye at 8am and 8pm",
    }
    return body | overrides


async def given_eye_drops_accepted(
    runtime: Runtime, workers: list[UUID], provider: str = PROVIDER
) -> DelegationAccepted:
    event = DelegationAccepted(
        person_id=uuid4(),
        delegation_id=uuid4(),
        task_code=EYE_DROPS,
        provider_organisation=provider,
        worker_ids=workers,
        accepted_on=TODAY,
        needs_specific_training=False,
    )
    await deliver(runtime, event)
    return event


# --- the rules, pure -------------------------------------------------------------------------


def test_r16_a5_13_only_a_task_needing_specific_training_gets_a_training_plan() -> None:
    assert domain.needs_training_plan(True) is True
    assert domain.needs_training_plan(False) is False


def test_r16_instructing_each_worker_completes_the_requirement_once_the_last_is_instructed() -> (
    None
):
    requirement = given_requirement()
    first, second = requirement.worker_ids
    status, event = domain.record_instruction(requirement, given_instruction(first), TODAY)
    assert status is InstructionStatus.REQUIRED
    assert (event.worker_id, event.delegation_id) == (first, requirement.delegation_id)
    assert (event.person_id, event.task_code) == (requirement.person_id, EYE_DROPS)
    last = given_requirement(worker_ids=[first, second], instructed={first})
    status, _ = domain.record_instruction(last, given_instruction(second), TODAY)
    assert status is InstructionStatus.INSTRUCTED


@pytest.mark.parametrize("missing", list(domain.REQUIRED_TOPICS))
def test_r16_an_instruction_missing_a_required_topic_is_refused_naming_it(
    missing: InstructionTopic,
) -> None:
    requirement = given_requirement()
    covered = set(domain.REQUIRED_TOPICS) - {missing}
    given = given_instruction(requirement.worker_ids[0], covered=covered)
    with pytest.raises(RuleViolation) as refused:
        domain.record_instruction(requirement, given, TODAY)
    assert refused.value.rule == "R16"
    assert missing.value in str(refused.value)


def test_r16_a_worker_is_instructed_once_and_only_a_worker_the_provider_named() -> None:
    requirement = given_requirement()
    worker = requirement.worker_ids[0]
    with pytest.raises(Conflict):
        domain.record_instruction(
            given_requirement(worker_ids=[worker], instructed={worker}),
            given_instruction(worker),
            TODAY,
        )
    with pytest.raises(InvalidInput):
        domain.record_instruction(requirement, given_instruction(uuid4()), TODAY)
    with pytest.raises(InvalidInput):
        domain.record_instruction(
            requirement, given_instruction(worker, instructed_on=TODAY + timedelta(1)), TODAY
        )


def test_r16_an_ended_delegation_withdraws_only_instructions_still_awaited() -> None:
    assert domain.after_delegation_ended(InstructionStatus.REQUIRED) is InstructionStatus.WITHDRAWN
    assert (
        domain.after_delegation_ended(InstructionStatus.INSTRUCTED) is InstructionStatus.INSTRUCTED
    )
    assert not domain.INSTRUCTION.allows(InstructionStatus.WITHDRAWN, InstructionCommand.INSTRUCT)


# --- through the API, on the real database ---------------------------------------------------


async def test_r16_a5_13_a_task_needing_no_specific_training_requires_instructions_not_a_plan(
    service_client: ServiceClient,
) -> None:
    workers = [uuid4(), uuid4()]
    async with service_client(TRAINING) as (client, runtime):
        event = await given_eye_drops_accepted(runtime, workers)
        plans = (await client.get("/training-plans", headers=MANAGER)).json()["items"]
        required = (await client.get("/instruction-requirements", headers=MANAGER)).json()["items"]
        known = (await client.get("/workers", headers=MANAGER)).json()
    assert plans == []
    [requirement] = required
    assert requirement["status"] == "required"
    assert requirement["delegation_id"] == str(event.delegation_id)
    assert sorted(requirement["worker_ids"]) == sorted(str(w) for w in workers)
    assert requirement["instructions"] == []
    assert {w["id"] for w in known} == {str(w) for w in workers}


async def test_r16_each_workers_instruction_is_recorded_and_announced_without_its_free_text(
    service_client: ServiceClient,
) -> None:
    workers = [uuid4(), uuid4()]
    async with service_client(TRAINING) as (client, runtime):
        event = await given_eye_drops_accepted(runtime, workers)
        [requirement] = (await client.get("/instruction-requirements", headers=MANAGER)).json()[
            "items"
        ]
        url = f"/instruction-requirements/{requirement['id']}"
        first = await client.post(
            f"{url}/instructions", json=instruction(workers[0]), headers=MANAGER
        )
        halfway = (await client.get(url, headers=MANAGER)).json()
        second = await client.post(
            f"{url}/instructions", json=instruction(workers[1]), headers=MANAGER
        )
        done = (await client.get(url, headers=MANAGER)).json()
        read = await client.get(
            f"/workers/{workers[0]}/competence",
            params={"task_code": EYE_DROPS, "person_id": str(event.person_id)},
            headers=MANAGER,
        )
        announced = await published(runtime, InstructionRecorded)
        plans_agreed = await published(runtime, TrainingPlanAgreed)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["instructor_role"] == "registered_nurse"
    assert first.json()["notes"].startswith("Showed how")
    assert (halfway["status"], done["status"]) == ("required", "instructed")
    assert sorted(i["worker_id"] for i in done["instructions"]) == sorted(str(w) for w in workers)
    assert [e.worker_id for e in announced] == workers  # type: ignore[attr-defined]
    only = announced[0]
    assert isinstance(only, InstructionRecorded)
    assert (only.delegation_id, only.person_id, only.task_code) == (
        event.delegation_id,
        event.person_id,
        EYE_DROPS,
    )
    assert (only.provider_organisation, only.instructed_on) == (PROVIDER, TODAY)
    assert "Showed" not in only.model_dump_json()  # the free text stays in training
    assert plans_agreed == []
    assert (read.json()["instructed_on"], read.json()["competent"]) == (TODAY.isoformat(), False)


async def test_r16_an_instruction_missing_a_required_topic_is_refused_and_nothing_is_written(
    service_client: ServiceClient,
) -> None:
    worker = uuid4()
    async with service_client(TRAINING) as (client, runtime):
        await given_eye_drops_accepted(runtime, [worker])
        [requirement] = (await client.get("/instruction-requirements", headers=MANAGER)).json()[
            "items"
        ]
        url = f"/instruction-requirements/{requirement['id']}"
        refused = await client.post(
            f"{url}/instructions",
            json=instruction(worker, covered=["how_to_carry_out_the_task"]),
            headers=MANAGER,
        )
        unnamed = await client.post(
            f"{url}/instructions", json=instruction(uuid4()), headers=MANAGER
        )
        unknown_role = await client.post(
            f"{url}/instructions",
            json=instruction(worker, instructor_role="friend"),
            headers=MANAGER,
        )
        after = (await client.get(url, headers=MANAGER)).json()
        announced = await published(runtime, InstructionRecorded)
    assert refused.status_code == 422
    assert refused.json()["rule"] == "R16"
    assert refused.json()["errors"][0]["field"] == "covered"
    assert unnamed.status_code == 422
    assert unnamed.json()["errors"][0]["field"] == "worker_id"
    assert unknown_role.status_code == 422
    assert after["instructions"] == []
    assert announced == []


async def test_r16_the_same_instruction_again_has_no_second_effect_and_a_different_one_is_409(
    service_client: ServiceClient,
) -> None:
    worker = uuid4()
    async with service_client(TRAINING) as (client, runtime):
        await given_eye_drops_accepted(runtime, [worker])
        [requirement] = (await client.get("/instruction-requirements", headers=MANAGER)).json()[
            "items"
        ]
        url = f"/instruction-requirements/{requirement['id']}/instructions"
        first = await client.post(url, json=instruction(worker), headers=MANAGER)
        again = await client.post(url, json=instruction(worker), headers=MANAGER)
        other = await client.post(
            url, json=instruction(worker, instructed_by="pharm-2"), headers=MANAGER
        )
        announced = await published(runtime, InstructionRecorded)
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert len(announced) == 1


async def test_r16_twenty_instructions_of_one_worker_at_once_have_one_winner_and_one_event(
    service_client: ServiceClient,
) -> None:
    worker = uuid4()
    async with service_client(TRAINING) as (client, runtime):
        await given_eye_drops_accepted(runtime, [worker])
        [requirement] = (await client.get("/instruction-requirements", headers=MANAGER)).json()[
            "items"
        ]
        url = f"/instruction-requirements/{requirement['id']}/instructions"
        responses = await race(
            lambda i: client.post(
                url, json=instruction(worker, instructed_by=f"dn-{i}"), headers=MANAGER
            )
        )
        announced = await published(runtime, InstructionRecorded)
    assert_one_winner(responses)
    assert len(announced) == 1


async def test_r16_the_acceptance_delivered_again_requires_instructions_once(
    service_client: ServiceClient,
) -> None:
    worker = uuid4()
    async with service_client(TRAINING) as (client, runtime):
        event = await given_eye_drops_accepted(runtime, [worker])
        message = message_for(event)
        await runtime.inbox.deliver(message)
        await runtime.inbox.deliver(message)  # redelivered by the broker
        required = (await client.get("/instruction-requirements", headers=MANAGER)).json()["items"]
    assert len(required) == 1


async def test_another_providers_instruction_requirement_is_not_found_and_not_listed(
    service_client: ServiceClient,
) -> None:
    worker = uuid4()
    other_manager = bearer(Role.PROVIDER_MANAGER, OTHER_PROVIDER)
    async with service_client(TRAINING) as (client, runtime):
        await given_eye_drops_accepted(runtime, [worker])
        [requirement] = (await client.get("/instruction-requirements", headers=MANAGER)).json()[
            "items"
        ]
        url = f"/instruction-requirements/{requirement['id']}"
        listed = (await client.get("/instruction-requirements", headers=other_manager)).json()[
            "items"
        ]
        read = await client.get(url, headers=other_manager)
        posted = await client.post(
            f"{url}/instructions", json=instruction(worker), headers=other_manager
        )
        for_the_ipcb = await client.get(url, headers=bearer(Role.IPCB_MEMBER))
    assert listed == []
    assert (read.status_code, posted.status_code) == (404, 404)
    # A person's task: the board sees reports of sign-offs, not the person's instructions.
    assert for_the_ipcb.status_code == 403


async def test_r16_an_ended_delegation_withdraws_instructions_still_awaited(
    service_client: ServiceClient,
) -> None:
    worker = uuid4()
    async with service_client(TRAINING) as (client, runtime):
        accepted = await given_eye_drops_accepted(runtime, [worker])
        ended = DelegationEnded(
            person_id=accepted.person_id,
            delegation_id=accepted.delegation_id,
            task_code=EYE_DROPS,
            reason="the person moved away",
            effective_date=date(2026, 1, 20),
        )
        await deliver(runtime, ended)
        [requirement] = (await client.get("/instruction-requirements", headers=MANAGER)).json()[
            "items"
        ]
        late = await client.post(
            f"/instruction-requirements/{requirement['id']}/instructions",
            json=instruction(worker),
            headers=MANAGER,
        )
    assert requirement["status"] == "withdrawn"
    assert late.status_code == 409
