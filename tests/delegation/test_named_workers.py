"""Named workers change on a live delegation (R16, R24): the provider adds, replaces or removes
them; a new worker carries the task out only once competent and in date and on the training
plan; a worker who leaves the provider comes off every delegation, which suspends (and hands the
task back, R18) only when nobody competent is left."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

import pytest
from httpx import AsyncClient

from services.delegation.domain import delegations as rules
from services.delegation.domain.delegations import DelegationState, WorkerStanding
from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.errors import Conflict, RuleViolation
from shared.events.delegation import (
    DelegationSuspended,
    HandbackOpened,
    NamedWorkerAdded,
    NamedWorkerRemoved,
    WorkerRemovalCause,
)
from shared.events.training import WorkerLeft, WorkerRegistered
from shared.events.vocabulary import Direction, Setting, TaskCategory
from shared.service import Runtime
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import (
    MANAGER,
    MDT,
    PRACTITIONER,
    PROVIDER,
    competent,
    given_accepted,
    given_approved,
    given_handbacks,
    given_live,
    given_person,
    plan,
)

Json = dict[str, Any]
TODAY = date(2026, 1, 5)  # the MovableClock's start
MORNING = "2026-01-05T08:30:00+00:00"
OTHER = "ANOTHER-PROVIDER"


def standings(body: Json) -> dict[str, str]:
    return {w["worker_id"]: w["standing"] for w in body["workers"]}


async def given_registered(runtime: Runtime, provider: str = PROVIDER) -> uuid.UUID:
    """A worker training registered for the provider (WorkerRegistered reached delegation)."""
    worker = uuid.uuid4()
    await deliver(
        runtime,
        WorkerRegistered(worker_id=worker, provider_organisation=provider, registered_on=TODAY),
    )
    return worker


def left(worker: uuid.UUID, provider: str = PROVIDER, on: date = TODAY) -> WorkerLeft:
    return WorkerLeft(worker_id=worker, provider_organisation=provider, left_on=on)


async def add(
    client: AsyncClient,
    delegation_id: str,
    worker: uuid.UUID,
    replaces: uuid.UUID | None = None,
    headers: dict[str, str] = MANAGER,
) -> Any:
    body: Json = {"worker_id": str(worker)}
    if replaces is not None:
        body["replaces"] = str(replaces)
    return await client.post(f"/delegations/{delegation_id}/workers", json=body, headers=headers)


async def record(client: AsyncClient, delegation_id: str, worker: uuid.UUID) -> Any:
    entry = {
        "delegation_id": delegation_id,
        "outcome": "given",
        "administered_at": MORNING,
        "worker_id": str(worker),
    }
    return await client.post("/delivery-records", json={"entries": [entry]}, headers=MANAGER)


def facts(state: DelegationState, *workers: uuid.UUID) -> rules.Delegation:
    return rules.Delegation(
        delegation_id=uuid.uuid4(),
        person_id=uuid.uuid4(),
        task_code="topical-cream",
        category=TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
        direction=Direction.HEALTH_TO_SOCIAL,
        setting=Setting.OWN_HOME,
        provider_organisation=PROVIDER,
        additional_minutes_per_week=0,
        state=state,
        worker_ids=workers,
    )


# The rules, pure


def test_r24_a_competent_worker_off_the_training_plan_may_not_carry_out_the_task() -> None:
    records = [rules.CompetenceRecord(True, date(2027, 1, 5))]
    off = rules.standing(records, False, TODAY, on_plan=False)
    assert off is WorkerStanding.NOT_ON_TRAINING_PLAN
    assert rules.standing(records, False, TODAY, on_plan=True) is WorkerStanding.IN_DATE
    assert rules.standing([], False, TODAY, on_plan=False) is WorkerStanding.NOT_ASSESSED


def test_r16_only_the_providers_own_working_staff_are_named() -> None:
    worker = uuid.uuid4()
    live = facts(DelegationState.LIVE)
    for known in (
        None,
        rules.ProviderWorker(worker, OTHER, None),
        rules.ProviderWorker(worker, PROVIDER, TODAY),
    ):
        with pytest.raises(RuleViolation) as refused:
            rules.add_worker(live, known, worker, "worker_id", TODAY)
        assert refused.value.extensions["errors"][0]["field"] == "worker_id"
    ours = rules.ProviderWorker(worker, PROVIDER, None)
    event = rules.add_worker(live, ours, worker, "worker_id", TODAY)
    assert isinstance(event, NamedWorkerAdded)
    assert rules.add_worker(facts(DelegationState.LIVE, worker), ours, worker, "w", TODAY) is None


@pytest.mark.parametrize(
    "state",
    [
        DelegationState.AWAITING_ACCEPTANCE,
        DelegationState.AWAITING_GATES,
        DelegationState.ENDED,
        DelegationState.HANDED_BACK,
    ],
)
def test_r16_named_workers_change_only_while_the_delegation_runs(state: DelegationState) -> None:
    worker = uuid.uuid4()
    with pytest.raises(Conflict):
        rules.add_worker(
            facts(state), rules.ProviderWorker(worker, PROVIDER, None), worker, "w", TODAY
        )


# Through the API, on PostgreSQL


async def test_r16_a_new_worker_is_named_and_the_delegation_stays_live_with_the_others(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        newcomer = await given_registered(runtime)
        response = await add(client, live.delegation_id, newcomer)
        again = await add(client, live.delegation_id, newcomer)
        events = await published(runtime, NamedWorkerAdded)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "live"
    assert body["worker_ids"] == [*(str(w) for w in live.workers), str(newcomer)]
    assert standings(body)[str(newcomer)] == "not_assessed"
    assert again.status_code == 200  # named already: no second effect
    [event] = events
    assert isinstance(event, NamedWorkerAdded)
    assert (event.delegation_id, event.worker_id) == (uuid.UUID(live.delegation_id), newcomer)
    assert event.provider_organisation == PROVIDER


async def test_r16_a_named_worker_not_yet_competent_cannot_record_an_application(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        newcomer = await given_registered(runtime)
        await add(client, live.delegation_id, newcomer)
        refused = await record(client, live.delegation_id, newcomer)
        colleague = await record(client, live.delegation_id, live.workers[0])
    assert refused.status_code == 422, refused.text
    assert refused.json()["rule"] == "R16"
    assert "not assessed" in refused.json()["detail"]
    assert colleague.status_code == 201, colleague.text


async def test_r24_a_competent_new_worker_records_only_once_on_the_training_plan(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        newcomer = await given_registered(runtime)
        await add(client, live.delegation_id, newcomer)
        await deliver(runtime, competent(newcomer))
        before = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
        refused = await record(client, live.delegation_id, newcomer)
        await deliver(runtime, plan(newcomer, live.delegation_id))
        after = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
        recorded = await record(client, live.delegation_id, newcomer)
    assert standings(before)[str(newcomer)] == "not_on_training_plan"
    assert refused.status_code == 422, refused.text
    assert "training plan" in refused.json()["detail"]
    assert refused.json()["field"] == "entries[0].worker_id"
    assert standings(after)[str(newcomer)] == "in_date"
    assert recorded.status_code == 201, recorded.text


async def test_r16_a_replacement_names_the_new_worker_and_takes_the_old_one_off_at_once(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        first, second = live.workers
        newcomer = await given_registered(runtime)
        response = await add(client, live.delegation_id, newcomer, replaces=first)
        again = await add(client, live.delegation_id, newcomer, replaces=first)
        removed = await published(runtime, NamedWorkerRemoved)
        handbacks = await given_handbacks(client, live.delegation_id)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "live"  # the second worker is competent: it carries on
    assert body["worker_ids"] == [str(second), str(newcomer)]
    assert standings(body)[str(first)] == "left"
    assert again.status_code == 200  # the same replacement again: no second effect
    assert again.json()["worker_ids"] == body["worker_ids"]
    [event] = removed
    assert isinstance(event, NamedWorkerRemoved)
    assert (event.worker_id, event.cause) == (first, WorkerRemovalCause.REMOVED)
    assert handbacks == []


async def test_r16_removing_the_last_competent_worker_suspends_and_hands_the_task_back(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        first, second = live.workers
        newcomer = await given_registered(runtime)
        await add(client, live.delegation_id, newcomer)
        url = f"/delegations/{live.delegation_id}/workers/{{}}"
        one = await client.delete(url.format(first), headers=MANAGER)
        last = await client.delete(url.format(second), headers=MANAGER)
        again = await client.delete(url.format(second), headers=MANAGER)
        [handback] = await given_handbacks(client, live.delegation_id)
    assert one.status_code == 200, one.text
    assert one.json()["status"] == "live"
    assert last.json()["status"] == "suspended"  # the newcomer is named but not competent
    assert last.json()["suspension_reason"] == "no_competent_worker"
    assert last.json()["worker_ids"] == [str(newcomer)]
    assert handback["reason"] == "no_competent_worker"
    assert again.status_code == 422
    assert again.json()["rule"] == "R16"
    assert again.json()["errors"][0]["field"] == "worker_id"


async def test_r16_a_worker_who_leaves_the_provider_comes_off_every_delegation_once(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        one, two = await given_live(client, runtime), await given_live(client, runtime)
        leaver = one.workers[0]
        await deliver(
            runtime,
            WorkerRegistered(worker_id=leaver, provider_organisation=PROVIDER, registered_on=TODAY),
        )
        await add(client, two.delegation_id, leaver)
        await deliver(runtime, left(leaver))
        await deliver(runtime, left(leaver))  # redelivered under a new event id
        bodies = [
            (await client.get(f"/delegations/{d.delegation_id}", headers=MANAGER)).json()
            for d in (one, two)
        ]
        removed = await published(runtime, NamedWorkerRemoved)
        rename = await add(client, one.delegation_id, leaver)
        handbacks = await given_handbacks(client, one.delegation_id)
    for body in bodies:
        assert body["status"] == "live"  # a competent colleague remains on each
        assert str(leaver) not in body["worker_ids"]
        assert standings(body)[str(leaver)] == "left"
    assert sorted(str(e.delegation_id) for e in removed if isinstance(e, NamedWorkerRemoved)) == (
        sorted([one.delegation_id, two.delegation_id])
    )
    assert {e.cause for e in removed if isinstance(e, NamedWorkerRemoved)} == {
        WorkerRemovalCause.LEFT_PROVIDER
    }
    assert rename.status_code == 422  # one who left cannot be named again
    assert rename.json()["errors"][0]["field"] == "worker_id"
    assert handbacks == []


async def test_r16_the_last_competent_worker_leaving_suspends_and_hands_the_task_back(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        first, second = live.workers
        await client.delete(f"/delegations/{live.delegation_id}/workers/{first}", headers=MANAGER)
        await deliver(runtime, left(second))
        body = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
        [handback] = await given_handbacks(client, live.delegation_id)
        suspended = await published(runtime, DelegationSuspended)
        opened = await published(runtime, HandbackOpened)
    assert body["status"] == "suspended"
    assert body["suspension_reason"] == "no_competent_worker"
    assert body["worker_ids"] == []
    assert handback["reason"] == "no_competent_worker"
    assert len(suspended) == 1
    assert len(opened) == 1


async def test_a_leaver_of_another_provider_touches_no_delegation_of_this_one(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(runtime, left(live.workers[0], provider=OTHER))
        body = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
    assert body["worker_ids"] == [str(w) for w in live.workers]


async def test_only_the_providers_manager_changes_its_named_workers_on_a_running_delegation(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        ours = await given_registered(runtime)
        theirs = await given_registered(runtime, OTHER)
        unknown = uuid.uuid4()
        practitioner = await add(client, live.delegation_id, ours, headers=PRACTITIONER)
        mdt = await add(client, live.delegation_id, ours, headers=MDT)
        other_manager = await add(
            client, live.delegation_id, ours, headers=bearer(Role.PROVIDER_MANAGER, OTHER)
        )
        no_delegation = await add(client, str(uuid.uuid4()), ours)
        not_ours = await add(client, live.delegation_id, theirs)
        not_known = await add(client, live.delegation_id, unknown)
        bad_id = await client.post(
            f"/delegations/{live.delegation_id}/workers",
            json={"worker_id": "nobody"},
            headers=MANAGER,
        )
        not_named = await add(client, live.delegation_id, ours, replaces=unknown)
        after = (await client.get(f"/delegations/{live.delegation_id}", headers=MANAGER)).json()
    assert practitioner.status_code == 403
    assert mdt.status_code == 403
    assert other_manager.status_code == 404
    assert no_delegation.status_code == 404
    for refused in (not_ours, not_known):
        assert refused.status_code == 422, refused.text
        assert refused.json()["rule"] == "R16"
        assert refused.json()["errors"][0]["field"] == "worker_id"
    assert bad_id.status_code == 422
    assert "worker_id" in bad_id.text
    assert not_named.status_code == 422  # the replaced worker is not named: nothing changes
    assert after["worker_ids"] == [str(w) for w in live.workers]


async def test_r16_workers_are_named_by_accepting_before_the_delegation_runs(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        await given_person(runtime, person_id)
        delegation_id = await given_approved(client, person_id)
        worker = await given_registered(runtime)
        before = await add(client, delegation_id, worker)
        await given_accepted(client, delegation_id, [uuid.uuid4()])
        waiting = await add(client, delegation_id, worker)
    assert before.status_code == 409
    assert waiting.status_code == 409
