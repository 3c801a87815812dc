"""Before it goes live: provider acceptance (R15), the gates (R7, R16, R17, R24), TaskDelegated."""

from __future__ import annotations

import uuid
from datetime import date

from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.events.delegation import DelegationAccepted, DelegationDeclined, TaskDelegated
from shared.events.vocabulary import OversightKind
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import (
    CITY,
    GP,
    HEALTH_PROVIDER,
    MANAGER,
    PROVIDER,
    competent,
    consent,
    given_accepted,
    given_approved,
    given_live,
    given_person,
    manager_of,
    plan,
)


def waiting(body: dict[str, object]) -> dict[str, bool]:
    gates = body["waiting_for"]
    assert isinstance(gates, list)
    return {g["gate"]: g["green"] for g in gates}


async def test_r7_r16_r17_r24_the_case_study_goes_live_when_every_gate_is_green(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        response = await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)
        delegated = await published(runtime, TaskDelegated)
    body = response.json()
    assert body["status"] == "live"
    assert all(waiting(body).values())
    assert len(delegated) == 1
    event = delegated[0]
    assert isinstance(event, TaskDelegated)
    assert event.accountable_organisation == CITY  # R11, R19: s.22 met, the council may meet it
    assert event.local_authority == CITY
    assert event.oversight_kind is OversightKind.COMMUNITY_HEALTH_SERVICES
    assert event.oversight_owner == "LPT"
    assert event.additional_minutes_per_week == 0
    assert event.start_date == date(2026, 1, 5)
    assert sorted(event.worker_ids) == sorted(live.workers)


async def test_get_delegation_says_what_it_is_waiting_for(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id, worker = uuid.uuid4(), uuid.uuid4()
        delegation_id = await given_approved(client, person_id)
        before = (await client.get(f"/delegations/{delegation_id}", headers=MANAGER)).json()
        await given_accepted(client, delegation_id, [worker])
        await deliver(runtime, consent(person_id))
        after = (await client.get(f"/delegations/{delegation_id}", headers=MANAGER)).json()
    assert before["status"] == "awaiting_acceptance"
    assert not any(waiting(before).values())
    assert waiting(after) == {
        "provider_acceptance": True,
        "consent": True,
        "competence": False,
        "training_plan": False,
        "clinical_oversight": False,
    }
    competence = next(g for g in after["waiting_for"] if g["gate"] == "competence")
    assert competence["rule"] == "R16"
    assert str(worker) in competence["waiting_for"]


async def test_r16_worker_without_competence_cannot_start_the_task(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id, trained, untrained = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        await given_person(runtime, person_id)
        delegation_id = await given_approved(client, person_id)
        await given_accepted(client, delegation_id, [trained, untrained])
        await deliver(runtime, consent(person_id), competent(trained))
        await deliver(runtime, plan(trained, delegation_id), plan(untrained, delegation_id))
        body = (await client.get(f"/delegations/{delegation_id}", headers=MANAGER)).json()
        delegated = await published(runtime, TaskDelegated)
    assert body["status"] == "awaiting_gates"
    assert waiting(body)["competence"] is False
    assert delegated == []


async def test_r16_person_specific_competence_counts_only_for_that_person(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id, someone_else, worker = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        await given_person(runtime, person_id)
        delegation_id = await given_approved(client, person_id)
        await given_accepted(client, delegation_id, [worker])
        await deliver(runtime, consent(person_id), plan(worker, delegation_id))
        await deliver(runtime, competent(worker, person_id=someone_else))
        for_someone_else = await client.get(f"/delegations/{delegation_id}", headers=MANAGER)
        await deliver(runtime, competent(worker, person_id=person_id))
        for_this_person = await client.get(f"/delegations/{delegation_id}", headers=MANAGER)
    assert for_someone_else.json()["status"] == "awaiting_gates"
    assert for_this_person.json()["status"] == "live"


async def test_r16_an_expired_competence_does_not_count(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id, worker = uuid.uuid4(), uuid.uuid4()
        await given_person(runtime, person_id)
        delegation_id = await given_approved(client, person_id)
        await given_accepted(client, delegation_id, [worker])
        await deliver(runtime, consent(person_id), plan(worker, delegation_id))
        await deliver(runtime, competent(worker, valid_until=date(2025, 12, 31)))
        body = (await client.get(f"/delegations/{delegation_id}", headers=MANAGER)).json()
    assert body["status"] == "awaiting_gates"
    assert waiting(body)["competence"] is False


async def test_r7_without_consent_the_task_does_not_start(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id, worker = uuid.uuid4(), uuid.uuid4()
        await given_person(runtime, person_id)
        delegation_id = await given_approved(client, person_id)
        await given_accepted(client, delegation_id, [worker])
        await deliver(runtime, competent(worker), plan(worker, delegation_id))
        await deliver(runtime, consent(person_id, task_code="eye-drops"))  # another task
        body = (await client.get(f"/delegations/{delegation_id}", headers=MANAGER)).json()
    assert body["status"] == "awaiting_gates"
    assert waiting(body)["consent"] is False


async def test_r17_oversight_is_the_gp_practice_when_not_open_to_chs(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime, open_to_chs=False, task_code="eye-drops")
        body = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
    assert body["oversight_kind"] == "primary_care"
    assert body["oversight_owner"] == GP


async def test_r15_provider_must_confirm_training_supervision_and_insurance(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        delegation_id = await given_approved(client, uuid.uuid4())
        response = await client.post(
            f"/delegations/{delegation_id}/acceptance",
            json={
                "worker_ids": [str(uuid.uuid4())],
                "training_confirmed": True,
                "supervision_confirmed": True,
                "insurance_and_indemnity_confirmed": False,
            },
            headers=MANAGER,
        )
        after = (await client.get(f"/delegations/{delegation_id}", headers=MANAGER)).json()
        accepted = await published(runtime, DelegationAccepted)
    assert response.status_code == 422
    assert response.json()["rule"] == "R15"
    assert "insurance" in response.json()["detail"]
    assert after["status"] == "awaiting_acceptance"
    assert accepted == []


async def test_r15_accepting_publishes_delegation_accepted_with_the_workers(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        worker = uuid.uuid4()
        delegation_id = await given_approved(client, uuid.uuid4())
        await given_accepted(client, delegation_id, [worker])
        accepted = await published(runtime, DelegationAccepted)
    assert [e.worker_ids for e in accepted if isinstance(e, DelegationAccepted)] == [[worker]]


async def test_r15_provider_may_decline_with_a_reason(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        delegation_id = await given_approved(client, uuid.uuid4())
        response = await client.post(
            f"/delegations/{delegation_id}/decline",
            json={"reason": "no staff trained in the area"},
            headers=MANAGER,
        )
        again = await client.post(
            f"/delegations/{delegation_id}/decline", json={"reason": "again"}, headers=MANAGER
        )
        declined = await published(runtime, DelegationDeclined)
    assert response.json()["status"] == "declined"
    assert again.status_code == 409
    assert len(declined) == 1


async def test_a_provider_sees_only_what_was_delegated_to_it(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        delegation_id = await given_approved(client, uuid.uuid4())
        other = bearer(Role.PROVIDER_MANAGER, "ANOTHER-PROVIDER")
        read = await client.get(f"/delegations/{delegation_id}", headers=other)
        listed = await client.get("/delegations", headers=other)
        own = await client.get("/delegations", headers=MANAGER)
        accept = await client.post(
            f"/delegations/{delegation_id}/acceptance",
            json={
                "worker_ids": [str(uuid.uuid4())],
                "training_confirmed": True,
                "supervision_confirmed": True,
                "insurance_and_indemnity_confirmed": True,
            },
            headers=other,
        )
    assert read.status_code == 404
    assert listed.json()["items"] == []
    assert [d["id"] for d in own.json()["items"]] == [delegation_id]
    assert accept.status_code == 404


async def test_r13_accountability_is_recorded_and_cannot_change_afterwards(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        again = await client.post(
            f"/delegations/{live.delegation_id}/acceptance",
            json={
                "worker_ids": [str(uuid.uuid4())],
                "training_confirmed": True,
                "supervision_confirmed": True,
                "insurance_and_indemnity_confirmed": True,
            },
            headers=MANAGER,
        )
        body = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
    assert again.status_code == 409
    assert body["accountable_practitioner"]["professional_body"] == "NMC"
    assert body["accountable_practitioner"]["registration_number"] == "12A3456E"
    assert body["provider_organisation"] == PROVIDER
    assert body["accountable_organisation"] == CITY
    assert sorted(body["worker_ids"]) == sorted(str(w) for w in live.workers)


async def test_r19_r11_a_health_task_the_council_may_not_meet_goes_live_accountable_to_the_icb(
    service_client: ServiceClient,
) -> None:
    failed = {"merely_incidental_or_ancillary": False}
    s22 = {"of_a_nature_a_local_authority_could_provide": True} | failed
    async with service_client(DELEGATION) as (client, runtime):
        nhs = await given_live(client, runtime, decision={"section_22": s22})
        joint = await given_live(
            client,
            runtime,
            decision={"section_22": s22, "section_22_funding": "joint_package"},
        )
        delegated = await published(runtime, TaskDelegated)
    accountable = {
        str(e.delegation_id): e.accountable_organisation
        for e in delegated
        if isinstance(e, TaskDelegated)
    }
    assert accountable[nhs.delegation_id] == accountable[joint.delegation_id] == "LLR-ICB"


async def test_r13_social_to_health_is_accountable_to_the_local_authority(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(
            client, runtime, task_code="personal-care-washing", direction="social_to_health"
        )
        trust = manager_of(HEALTH_PROVIDER)
        body = (await client.get(f"/delegations/{live.delegation_id}", headers=trust)).json()
    assert body["status"] == "live"
    assert body["provider_organisation"] == HEALTH_PROVIDER
    assert body["accountable_organisation"] == CITY
    assert body["nhs_duty_of_care_retained"] is False


async def test_r18_nhs_duty_of_care_is_retained_on_health_tasks(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        body = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
    assert body["direction"] == "health_to_social"
    assert body["nhs_duty_of_care_retained"] is True


async def test_accepting_needs_the_provider_manager_role(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        delegation_id = await given_approved(client, uuid.uuid4())
        response = await client.post(
            f"/delegations/{delegation_id}/acceptance",
            json={
                "worker_ids": [str(uuid.uuid4())],
                "training_confirmed": True,
                "supervision_confirmed": True,
                "insurance_and_indemnity_confirmed": True,
            },
            headers=bearer(Role.COMMISSIONER),
        )
        anonymous = await client.get(f"/delegations/{delegation_id}")
    assert response.status_code == 403
    assert anonymous.status_code == 401
