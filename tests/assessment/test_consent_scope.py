"""R7 consent in full: given for a provider or a delegation; a task-wide consent is linked to the
delegation that goes live and covers no later one; withdrawal re-versions the support plan."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from httpx import AsyncClient
from sqlalchemy import func, select

from services.assessment.main import SPEC as ASSESSMENT
from services.assessment.models import SupportPlanVersion
from shared.events.assessment import ConsentLinked, ConsentWithdrawn, SupportPlanVersioned
from shared.events.delegation import DelegationResumed
from shared.testing.events import deliver, published
from tests.assessment.conftest import (
    MDT,
    PRACTITIONER,
    given_mdt,
    given_person,
    given_task_delegated,
)
from tests.conftest import ServiceClient

TASK = "steroid-cream"


async def given_consent(client: AsyncClient, person_id: str, **overrides: Any) -> Any:
    body = {"task_code": TASK, "given_by": "person", "given_on": "2026-01-04", **overrides}
    return await client.post(f"/people/{person_id}/consents", json=body, headers=PRACTITIONER)


async def withdraw(client: AsyncClient, person_id: str, consent_id: str) -> Any:
    return await client.post(
        f"/people/{person_id}/consents/{consent_id}/withdrawal",
        json={"withdrawn_on": "2026-01-05", "reason": "no longer wishes it"},
        headers=PRACTITIONER,
    )


async def read(client: AsyncClient, url: str) -> Any:
    response = await client.get(url, headers=MDT)
    assert response.status_code == 200, response.text
    return response.json()


async def test_r7_a_task_wide_consent_is_linked_to_the_delegation_when_it_goes_live(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        given = await given_consent(client, person_id)
        consent_url = f"/people/{person_id}/consents/{given.json()['id']}"
        before = await read(client, consent_url)
        first = given_task_delegated(person_id, provider="PROVIDER-A")
        await deliver(runtime, first)
        await deliver(runtime, first)  # told again: linked once
        later = given_task_delegated(person_id, provider="PROVIDER-B")
        await deliver(runtime, later)
        after = await read(client, consent_url)
        [linked] = await published(runtime, ConsentLinked)
    assert (before["linked_delegation_id"], before["provider_organisation"]) == (None, None)
    assert after["linked_delegation_id"] == str(first.delegation_id)
    assert after["linked_on"] == first.start_date.isoformat()
    assert isinstance(linked, ConsentLinked)
    assert (str(linked.consent_id), linked.delegation_id, linked.provider_organisation) == (
        given.json()["id"],
        first.delegation_id,
        "PROVIDER-A",
    )


async def test_r7_consent_for_a_provider_is_not_linked_to_a_delegation_to_another(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        given = await given_consent(client, person_id, provider_organisation="PROVIDER-A")
        await deliver(runtime, given_task_delegated(person_id, provider="PROVIDER-B"))
        not_linked = await published(runtime, ConsentLinked)
        to_a = given_task_delegated(person_id, provider="PROVIDER-A")
        await deliver(runtime, to_a)
        consent = await read(client, f"/people/{person_id}/consents/{given.json()['id']}")
    assert given.status_code == 201
    assert consent["provider_organisation"] == "PROVIDER-A"
    assert not_linked == []
    assert consent["linked_delegation_id"] == str(to_a.delegation_id)


async def test_r7_consent_names_the_delegation_or_the_provider_not_both(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        person_id = await given_person(client)
        both = await given_consent(
            client, person_id, delegation_id=str(uuid.uuid4()), provider_organisation="PROVIDER-A"
        )
    assert both.status_code == 422
    assert "provider_organisation" in both.json()["detail"]


async def test_r7_after_linking_a_fresh_task_wide_consent_may_be_given_for_the_next_delegation(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_consent(client, person_id)
        again_before = await given_consent(client, person_id)
        await deliver(runtime, given_task_delegated(person_id, provider="PROVIDER-A"))
        again_after = await given_consent(client, person_id)
    assert again_before.status_code == 409  # one open task-wide consent at a time
    assert again_after.status_code == 201


async def test_r7_withdrawal_re_versions_the_plan_without_the_task_it_covered(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        mine = await given_consent(client, person_id, provider_organisation="PROVIDER-A")
        theirs = await given_consent(client, person_id, provider_organisation="PROVIDER-B")
        to_a = given_task_delegated(person_id, provider="PROVIDER-A")
        to_b = given_task_delegated(person_id, provider="PROVIDER-B")
        await deliver(runtime, to_a)
        await deliver(runtime, to_b)
        withdrawn = await withdraw(client, person_id, mine.json()["id"])
        plan = await read(client, f"/people/{person_id}/support-plan")
        [event] = await published(runtime, ConsentWithdrawn)
        versioned = await published(runtime, SupportPlanVersioned)
    assert withdrawn.status_code == 200, withdrawn.text
    assert [t["delegation_id"] for t in plan["tasks"]] == [str(to_b.delegation_id)]
    assert plan["consent_ids"] == [theirs.json()["id"]]
    assert plan["effective_from"] == "2026-01-05"
    assert isinstance(event, ConsentWithdrawn)
    assert (event.linked_delegation_id, event.provider_organisation) == (
        to_a.delegation_id,
        "PROVIDER-A",
    )
    last = versioned[-1]
    assert isinstance(last, SupportPlanVersioned)
    assert (last.version, last.task_codes) == (plan["version"], [TASK])


async def test_r7_a_refused_withdrawal_leaves_the_plan_and_the_consent_as_they_were(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        given = await given_consent(client, person_id)
        await deliver(runtime, given_task_delegated(person_id))
        async with runtime.sessions() as session:
            before = await session.scalar(select(func.count()).select_from(SupportPlanVersion))
        refused = await client.post(
            f"/people/{person_id}/consents/{given.json()['id']}/withdrawal",
            json={"withdrawn_on": "2030-01-01", "reason": "x"},
            headers=PRACTITIONER,
        )
        async with runtime.sessions() as session:
            after = await session.scalar(select(func.count()).select_from(SupportPlanVersion))
        plan = await read(client, f"/people/{person_id}/support-plan")
        consent = await read(client, f"/people/{person_id}/consents/{given.json()['id']}")
        events = await published(runtime, ConsentWithdrawn)
    assert refused.status_code == 422
    assert before == after
    assert [t["task_code"] for t in plan["tasks"]] == [TASK]
    assert consent["withdrawn_on"] is None
    assert events == []


async def test_r7_a_delegation_resumed_on_fresh_consent_rejoins_the_plan_and_takes_that_consent(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        first = await given_consent(client, person_id)
        delegated = given_task_delegated(person_id, provider="PROVIDER-A")
        await deliver(runtime, delegated)
        await withdraw(client, person_id, first.json()["id"])
        off_the_plan = await read(client, f"/people/{person_id}/support-plan")
        fresh = await given_consent(client, person_id, given_on="2026-01-05")
        resumed = DelegationResumed(
            person_id=delegated.person_id,
            delegation_id=delegated.delegation_id,
            effective_date=date(2026, 1, 5),
        )
        await deliver(runtime, resumed)
        back = await read(client, f"/people/{person_id}/support-plan")
        consent = await read(client, f"/people/{person_id}/consents/{fresh.json()['id']}")
    assert off_the_plan["tasks"] == []
    assert [t["delegation_id"] for t in back["tasks"]] == [str(delegated.delegation_id)]
    assert (back["version"], back["effective_from"]) == (5, "2026-01-05")
    assert consent["linked_delegation_id"] == str(delegated.delegation_id)


async def test_r7_a_delegation_resumed_that_was_never_on_the_plan_changes_nothing(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        await given_consent(client, person_id)
        resumed = DelegationResumed(
            person_id=uuid.UUID(person_id),
            delegation_id=uuid.uuid4(),
            effective_date=date(2026, 1, 7),
        )
        await deliver(runtime, resumed)
        linked = await published(runtime, ConsentLinked)
        versions = await read(client, f"/people/{person_id}/support-plan/versions")
    assert linked == []
    assert len(versions["items"]) == 1  # the consent's own version
