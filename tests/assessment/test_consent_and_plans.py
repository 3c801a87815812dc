"""R7 consent on the support plan; versioned plans; delegated tasks join and leave the plan."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import func, select

from services.assessment.main import SPEC as ASSESSMENT
from services.assessment.models import SupportPlanVersion
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.assessment import (
    ConsentRecorded,
    ConsentWithdrawn,
    PersonRegistered,
    RelationshipChanged,
    SupportPlanVersioned,
)
from shared.events.delegation import DelegationEnded
from shared.testing.events import deliver, message_for, published
from tests.assessment.conftest import (
    MDT,
    PRACTITIONER,
    given_mdt,
    given_person,
    given_task_delegated,
)
from tests.conftest import ServiceClient, bearer

PROVIDER = bearer(Role.PROVIDER_MANAGER, "PROVIDER-HOMECARE-1")
OTHER_PROVIDER = bearer(Role.PROVIDER_MANAGER, "PROVIDER-OTHER")


def given_consent(**overrides: object) -> dict[str, object]:
    return {
        "task_code": "steroid-cream",
        "given_by": "person",
        "given_on": "2026-01-04",
        **overrides,
    }


async def test_r7_consent_by_a_lawful_representative_is_recorded_on_the_plan_and_published(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        response = await client.post(
            f"/people/{person_id}/consents",
            json=given_consent(given_by="lasting_power_of_attorney", authority_reference="LPA-7"),
            headers=PRACTITIONER,
        )
        plan = await client.get(f"/people/{person_id}/support-plan", headers=MDT)
        [event] = await published(runtime, ConsentRecorded)
    consent = response.json()
    assert response.status_code == 201
    assert consent["given_by"] == "lasting_power_of_attorney"
    assert consent["authority_reference"] == "LPA-7"
    assert consent["recorded_by"].startswith("registered_practitioner")
    assert plan.json()["consent_ids"] == [consent["id"]]
    assert isinstance(event, ConsentRecorded)
    assert (str(event.consent_id), event.given_by, event.given_on) == (
        consent["id"],
        "lasting_power_of_attorney",
        date(2026, 1, 4),
    )


async def test_r7_consent_needs_a_lawful_basis(service_client: ServiceClient) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        person_id = await given_person(client)
        response = await client.post(
            f"/people/{person_id}/consents",
            json=given_consent(given_by="neighbour"),
            headers=PRACTITIONER,
        )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "given_by"


async def test_r7_a_representative_without_the_authority_reference_is_refused(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        response = await client.post(
            f"/people/{person_id}/consents",
            json=given_consent(given_by="court_deputy"),
            headers=PRACTITIONER,
        )
        history = await client.get(f"/people/{person_id}/consents", headers=MDT)
        events = await published(runtime)
    assert response.status_code == 422
    assert response.json()["rule"] == "R7"
    assert response.json()["errors"][0]["field"] == "authority_reference"
    assert history.json()["items"] == []
    assert [type(e) for e in events if not isinstance(e, RelationshipChanged)] == [PersonRegistered]


async def test_r7_consent_to_the_same_task_twice_is_a_409_pointing_to_it(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        first = await client.post(
            f"/people/{person_id}/consents", json=given_consent(), headers=PRACTITIONER
        )
        again = await client.post(
            f"/people/{person_id}/consents", json=given_consent(), headers=PRACTITIONER
        )
        events = await published(runtime, ConsentRecorded)
    assert again.status_code == 409
    assert again.json()["existing"] == f"/people/{person_id}/consents/{first.json()['id']}"
    assert len(events) == 1


async def test_r7_withdrawal_is_published_and_the_history_is_kept(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        given = await client.post(
            f"/people/{person_id}/consents",
            json=given_consent(
                given_by="best_interests_decision", capacity_assessed_on="2026-01-03"
            ),
            headers=PRACTITIONER,
        )
        url = f"/people/{person_id}/consents/{given.json()['id']}/withdrawal"
        withdrawal = {"withdrawn_on": "2026-01-05", "reason": "no longer wishes it"}
        withdrawn = await client.post(url, json=withdrawal, headers=PRACTITIONER)
        twice = await client.post(url, json=withdrawal, headers=PRACTITIONER)
        clock.move(timedelta(days=1))
        again = await client.post(
            f"/people/{person_id}/consents", json=given_consent(), headers=PRACTITIONER
        )
        history = await client.get(f"/people/{person_id}/consents", headers=MDT)
        versions = await client.get(f"/people/{person_id}/support-plan/versions", headers=MDT)
        [event] = await published(runtime, ConsentWithdrawn)
    assert withdrawn.status_code == 200
    assert withdrawn.json()["withdrawn_on"] == "2026-01-05"
    assert twice.status_code == 409
    assert again.status_code == 201  # consent may be given afresh after a withdrawal
    assert [c["withdrawn_on"] for c in history.json()["items"]] == ["2026-01-05", None]
    assert [len(v["consent_ids"]) for v in versions.json()["items"]] == [1, 0, 1]
    assert isinstance(event, ConsentWithdrawn)
    assert str(event.consent_id) == given.json()["id"]


async def test_r7_withdrawal_before_consent_was_given_is_refused(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        given = await client.post(
            f"/people/{person_id}/consents", json=given_consent(), headers=PRACTITIONER
        )
        response = await client.post(
            f"/people/{person_id}/consents/{given.json()['id']}/withdrawal",
            json={"withdrawn_on": "2026-01-01", "reason": "x"},
            headers=PRACTITIONER,
        )
        events = await published(runtime, ConsentWithdrawn)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "withdrawn_on"
    assert events == []


async def test_a_new_plan_version_never_overwrites_the_old(service_client: ServiceClient) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        url = f"/people/{person_id}/support-plan/versions"
        twice_daily = {
            "visits_per_day": 2,
            "minutes_per_visit": 30,
            "days_per_week": 7,
            "provider_organisation": "PROVIDER-HOMECARE-1",
            "reason": "discharge from hospital",
        }
        first = await client.post(url, json=twice_daily, headers=PRACTITIONER)
        second = await client.post(
            url,
            json={**twice_daily, "minutes_per_visit": 45, "reason": "more time"},
            headers=PRACTITIONER,
        )
        versions = await client.get(url, headers=MDT)
        events = await published(runtime, SupportPlanVersioned)
    assert (first.json()["version"], second.json()["version"]) == (1, 2)
    assert first.json()["plan_id"] == second.json()["plan_id"]
    assert [v["minutes_per_visit"] for v in versions.json()["items"]] == [30, 45]
    assert [e.version for e in events if isinstance(e, SupportPlanVersioned)] == [1, 2]


async def test_a_plan_version_based_on_an_old_version_loses(service_client: ServiceClient) -> None:
    body = {"visits_per_day": 1, "minutes_per_visit": 15, "days_per_week": 7, "reason": "x"}
    async with service_client(ASSESSMENT) as (client, _):
        person_id = await given_person(client)
        url = f"/people/{person_id}/support-plan/versions"
        await client.post(url, json={**body, "based_on_version": 0}, headers=PRACTITIONER)
        stale = await client.post(url, json={**body, "based_on_version": 0}, headers=PRACTITIONER)
    assert stale.status_code == 409
    assert stale.json()["current_version"] == 1


async def test_a_repeated_plan_version_with_the_same_key_has_one_effect(
    service_client: ServiceClient,
) -> None:
    body = {"visits_per_day": 2, "minutes_per_visit": 30, "days_per_week": 7, "reason": "x"}
    headers = {**PRACTITIONER, "Idempotency-Key": "plan-1"}
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        url = f"/people/{person_id}/support-plan/versions"
        first = await client.post(url, json=body, headers=headers)
        again = await client.post(url, json=body, headers=headers)
        versions = await client.get(url, headers=MDT)
    assert (first.status_code, again.status_code) == (201, 200)
    assert len(versions.json()["items"]) == 1


async def test_bad_commissioned_visits_name_the_field(service_client: ServiceClient) -> None:
    body = {"visits_per_day": 2, "minutes_per_visit": 30, "days_per_week": 8, "reason": "x"}
    async with service_client(ASSESSMENT) as (client, _):
        person_id = await given_person(client)
        response = await client.post(
            f"/people/{person_id}/support-plan/versions", json=body, headers=PRACTITIONER
        )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "days_per_week"


async def test_a_delegated_task_joins_the_plan_once_and_leaves_it_when_ended(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        delegated = given_task_delegated(person_id)
        message = message_for(delegated)
        await runtime.inbox.deliver(message)
        await runtime.inbox.deliver(message)  # redelivered: no second effect
        await deliver(runtime, delegated)  # told again under a new event id: still one task
        with_task = await client.get(f"/people/{person_id}/support-plan", headers=MDT)
        ended = DelegationEnded(
            person_id=delegated.person_id,
            delegation_id=delegated.delegation_id,
            task_code=delegated.task_code,
            reason="person moved",
            effective_date=date(2026, 3, 1),
        )
        await deliver(runtime, ended)
        versions = await client.get(f"/people/{person_id}/support-plan/versions", headers=MDT)
        events = await published(runtime, SupportPlanVersioned)
    assert with_task.json()["tasks"] == [
        {
            "delegation_id": str(delegated.delegation_id),
            "task_code": "steroid-cream",
            "provider_organisation": "PROVIDER-HOMECARE-1",
        }
    ]
    assert [len(v["tasks"]) for v in versions.json()["items"]] == [1, 0]
    assert [e.task_codes for e in events if isinstance(e, SupportPlanVersioned)] == [
        ["steroid-cream"],
        [],
    ]
    assert versions.json()["items"][1]["effective_from"] == "2026-03-01"


async def test_a_provider_reads_only_people_whose_tasks_were_delegated_to_it(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        delegated_person = await given_person(client)
        other_person = await given_person(client)
        await deliver(runtime, given_task_delegated(delegated_person))
        mine = await client.get(f"/people/{delegated_person}", headers=PROVIDER)
        plan = await client.get(f"/people/{delegated_person}/support-plan", headers=PROVIDER)
        not_mine = await client.get(f"/people/{other_person}", headers=PROVIDER)
        other_org = await client.get(f"/people/{delegated_person}", headers=OTHER_PROVIDER)
        listed = await client.get("/people", headers=PROVIDER)
        write = await client.post(
            f"/people/{delegated_person}/consents", json=given_consent(), headers=PROVIDER
        )
    assert mine.status_code == plan.status_code == 200
    assert not_mine.status_code == other_org.status_code == 404
    assert [p["id"] for p in listed.json()["items"]] == [delegated_person]
    assert write.status_code == 403


async def test_a_refused_consent_leaves_nothing_half_written(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        response = await client.post(
            f"/people/{person_id}/consents",
            json=given_consent(given_on="2030-01-01"),
            headers=PRACTITIONER,
        )
        async with runtime.sessions() as session:
            versions = await session.scalar(select(func.count()).select_from(SupportPlanVersion))
        events = await published(runtime, ConsentRecorded)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "given_on"
    assert versions == 0
    assert events == []


async def test_consent_for_an_unknown_person_is_404(service_client: ServiceClient) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        response = await client.post(
            f"/people/{uuid.uuid4()}/consents", json=given_consent(), headers=PRACTITIONER
        )
    assert response.status_code == 404
