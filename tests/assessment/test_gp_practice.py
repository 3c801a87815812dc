"""R17: a person's GP practice changes; delegation learns of it to move primary care oversight."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select

from services.assessment.domain.people import PersonFacts, change_gp_practice
from services.assessment.main import SPEC as ASSESSMENT
from shared.audit import audit_log
from shared.auth import Role
from shared.events.assessment import CommunityHealthServicesStatusChanged, GpPracticeChanged
from shared.testing.events import published
from tests.assessment.conftest import MDT, PRACTITIONER, given_mdt, given_person
from tests.conftest import ServiceClient, bearer

UNRELATED = bearer(Role.REGISTERED_PRACTITIONER, "UHL")


def test_r17_a_new_practice_is_a_change_and_the_same_practice_is_none() -> None:
    person = PersonFacts(uuid.uuid4(), "C82001", open_to_community_health_services=True)
    moved = change_gp_practice(person, "C82002", date(2026, 1, 4))
    assert change_gp_practice(person, "C82001", date(2026, 1, 4)) is None
    assert moved == GpPracticeChanged(
        person_id=person.person_id, gp_practice="C82002", effective_date=date(2026, 1, 4)
    )


async def test_r17_a_new_gp_practice_is_recorded_published_once_and_audited(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client, gp_practice="C82001")
        url = f"/people/{person_id}/gp-practice"
        body = {"gp_practice": "C82002", "effective_date": "2026-01-04"}
        changed = await client.put(url, json=body, headers=PRACTITIONER)
        repeated = await client.put(url, json=body, headers=PRACTITIONER)
        read = await client.get(f"/people/{person_id}", headers=PRACTITIONER)
        events = await published(runtime, GpPracticeChanged)
        async with runtime.sessions() as session:
            actions = list(
                await session.scalars(
                    select(audit_log.c.action).where(audit_log.c.subject == person_id)
                )
            )
    assert changed.status_code == repeated.status_code == 200
    assert changed.json()["gp_practice"] == read.json()["gp_practice"] == "C82002"
    [event] = events
    assert isinstance(event, GpPracticeChanged)
    assert (str(event.person_id), event.gp_practice, str(event.effective_date)) == (
        person_id,
        "C82002",
        "2026-01-04",
    )
    assert set(event.model_dump()) == {"person_id", "gp_practice", "effective_date"}
    assert actions.count("person.gp_practice.change") == 1


async def test_r17_an_mdt_member_of_a_related_organisation_may_record_it_and_today_is_the_default(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        changed = await client.put(
            f"/people/{person_id}/gp-practice", json={"gp_practice": "C82003"}, headers=MDT
        )
        [event] = await published(runtime, GpPracticeChanged)
    assert changed.status_code == 200
    assert isinstance(event, GpPracticeChanged)
    assert event.effective_date == runtime.clock.now().date()


async def test_r17_a_chs_change_after_a_practice_change_names_the_new_practice(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client, open_to_community_health_services=True)
        await client.put(
            f"/people/{person_id}/gp-practice", json={"gp_practice": "C82002"}, headers=PRACTITIONER
        )
        await client.put(
            f"/people/{person_id}/community-health-services",
            json={"open_to_community_health_services": False},
            headers=PRACTITIONER,
        )
        [event] = await published(runtime, CommunityHealthServicesStatusChanged)
    assert isinstance(event, CommunityHealthServicesStatusChanged)
    assert event.gp_practice == "C82002"


async def test_r17_bad_input_is_a_422_naming_the_field(service_client: ServiceClient) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        url = f"/people/{person_id}/gp-practice"
        bad_code = await client.put(url, json={"gp_practice": "C8-2002!"}, headers=PRACTITIONER)
        missing = await client.put(url, json={"effective_date": "2026-01-04"}, headers=PRACTITIONER)
        future = await client.put(
            url,
            json={"gp_practice": "C82002", "effective_date": "2099-01-01"},
            headers=PRACTITIONER,
        )
        extra = await client.put(
            url, json={"gp_practice": "C82002", "name": "Dr Smith"}, headers=PRACTITIONER
        )
        events = await published(runtime, GpPracticeChanged)
    for response, field in [
        (bad_code, "gp_practice"),
        (missing, "gp_practice"),
        (future, "effective_date"),
        (extra, "name"),
    ]:
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field
    assert events == []


async def test_r17_without_a_relationship_or_the_role_the_person_is_not_changed(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        body = {"gp_practice": "C82002"}
        unrelated = await client.put(
            f"/people/{person_id}/gp-practice", json=body, headers=UNRELATED
        )
        unrelated_mdt = await client.put(f"/people/{person_id}/gp-practice", json=body, headers=MDT)
        unknown = await client.put(
            f"/people/{uuid.uuid4()}/gp-practice", json=body, headers=PRACTITIONER
        )
        manager = await client.put(
            f"/people/{person_id}/gp-practice",
            json=body,
            headers=bearer(Role.PROVIDER_MANAGER, "LPT"),
        )
        events = await published(runtime, GpPracticeChanged)
    assert unrelated.status_code == unrelated_mdt.status_code == unknown.status_code == 404
    assert manager.status_code == 403
    assert events == []


async def test_r17_a_chs_change_from_a_day_after_today_is_a_422_naming_effective_date(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client, open_to_community_health_services=True)
        future = await client.put(
            f"/people/{person_id}/community-health-services",
            json={"open_to_community_health_services": False, "effective_date": "2099-01-01"},
            headers=PRACTITIONER,
        )
        events = await published(runtime, CommunityHealthServicesStatusChanged)
    assert future.status_code == 422
    assert future.json()["errors"][0]["field"] == "effective_date"
    assert events == []
