"""R6 trusted assessment made unbypassable (enumerated kinds, the caller's organisation) and R4
health needs published by id for delegations to cite."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from services.assessment.main import SPEC as ASSESSMENT
from services.assessment.models import Assessment
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.assessment import NeedsAssessed
from shared.testing.events import published
from tests.assessment.conftest import (
    MDT,
    PRACTITIONER,
    given_assessment_body,
    given_mdt,
    given_person,
)
from tests.conftest import ServiceClient, bearer

COUNCIL = bearer(Role.REGISTERED_PRACTITIONER, "LEICESTER-CITY-COUNCIL")
CREAM = {
    "need": "steroid cream to the lower leg twice a day",
    "purpose": "treatment",
    "relates_to": "disease",
    "requires_health_professional": False,
    "task_codes": ["steroid-cream"],
}


@pytest.mark.parametrize("spelling", ["Care_Act_Needs", "care-act-needs", "care act", "other"])
async def test_r6_a_kind_outside_the_enumeration_is_a_422_naming_kind(
    service_client: ServiceClient, spelling: str
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        await given_mdt(runtime, person_id)
        first = await client.post(
            f"/people/{person_id}/assessments", json=given_assessment_body(), headers=COUNCIL
        )
        other_spelling = await client.post(
            f"/people/{person_id}/assessments",
            json=given_assessment_body(kind=spelling),
            headers=PRACTITIONER,
        )
        current = await client.get(f"/people/{person_id}/assessments?current=true", headers=MDT)
        events = await published(runtime, NeedsAssessed)
    assert first.status_code == 201
    assert other_spelling.status_code == 422
    assert other_spelling.json()["errors"][0]["field"] == "kind"
    assert [a["id"] for a in current.json()["items"]] == [first.json()["id"]]
    assert len(events) == 1


async def test_r6_a_duplicate_of_the_kind_from_another_partner_is_409_pointing_to_the_current(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        first = await client.post(
            f"/people/{person_id}/assessments",
            json=given_assessment_body(kind="chc_checklist"),
            headers=COUNCIL,
        )
        duplicate = await client.post(
            f"/people/{person_id}/assessments",
            json=given_assessment_body(kind="chc_checklist"),
            headers=PRACTITIONER,
        )
        events = await published(runtime, NeedsAssessed)
    assert duplicate.status_code == 409
    assert duplicate.json()["rule"] == "R6"
    assert duplicate.json()["existing"] == f"/people/{person_id}/assessments/{first.json()['id']}"
    assert len(events) == 1


async def test_r6_the_assessing_organisation_is_the_callers_token_organisation(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        url = f"/people/{person_id}/assessments"
        claimed = await client.post(
            url,
            json=given_assessment_body(partner_organisation="LEICESTER-CITY-COUNCIL"),
            headers=PRACTITIONER,
        )
        async with runtime.sessions() as session:
            written = await session.scalar(select(func.count()).select_from(Assessment))
        refused_events = await published(runtime, NeedsAssessed)
        same = await client.post(
            url, json=given_assessment_body(partner_organisation="LPT"), headers=PRACTITIONER
        )
        omitted = await client.post(url, json=given_assessment_body(kind="carers"), headers=COUNCIL)
    assert claimed.status_code == 422
    assert claimed.json()["rule"] == "R6"
    assert claimed.json()["errors"][0]["field"] == "partner_organisation"
    assert (written, refused_events) == (0, [])
    assert same.status_code == 201
    assert same.json()["partner_organisation"] == "LPT"
    assert omitted.json()["partner_organisation"] == "LEICESTER-CITY-COUNCIL"


async def test_r4_each_health_need_gets_an_id_and_is_published_with_its_tasks(
    service_client: ServiceClient,
) -> None:
    catheter = {
        "need": "catheter change",
        "purpose": "management",
        "relates_to": "illness",
        "requires_health_professional": True,
    }
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        response = await client.post(
            f"/people/{person_id}/assessments",
            json=given_assessment_body(kind="health_needs", health_needs=[CREAM, catheter]),
            headers=PRACTITIONER,
        )
        [event] = await published(runtime, NeedsAssessed)
    recorded = response.json()
    assert isinstance(event, NeedsAssessed)
    assert [str(n.need_id) for n in event.health_needs] == [
        n["need_id"] for n in recorded["health_needs"]
    ]
    assert [n.task_codes for n in event.health_needs] == [["steroid-cream"], []]
    assert [n.requires_health_professional for n in event.health_needs] == [False, True]
    assert (str(event.assessment_id), event.kind, event.partner_organisation) == (
        recorded["id"],
        "health_needs",
        "LPT",
    )
    assert "steroid cream" not in event.model_dump_json()  # free text never leaves the service


async def test_r4_r8_a_reassessment_publishes_the_assessment_it_supersedes(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        url = f"/people/{person_id}/assessments"
        first = await client.post(url, json=given_assessment_body(), headers=PRACTITIONER)
        clock.move(timedelta(days=1))
        change = await client.post(
            f"/people/{person_id}/need-changes",
            json={"significant": True, "description": "fall at home"},
            headers=PRACTITIONER,
        )
        second = await client.post(
            url,
            json=given_assessment_body(follows_change_id=change.json()["id"], health_needs=[CREAM]),
            headers=PRACTITIONER,
        )
        events = await published(runtime, NeedsAssessed)
    assert [
        (str(e.assessment_id), e.supersedes_assessment_id and str(e.supersedes_assessment_id))
        for e in events
        if isinstance(e, NeedsAssessed)
    ] == [(first.json()["id"], None), (second.json()["id"], first.json()["id"])]


async def test_r4_a_task_code_on_a_health_need_is_checked(service_client: ServiceClient) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        person_id = await given_person(client)
        response = await client.post(
            f"/people/{person_id}/assessments",
            json=given_assessment_body(health_needs=[{**CREAM, "task_codes": ["steroid cream"]}]),
            headers=PRACTITIONER,
        )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "health_needs.0.task_codes.0"
