"""The Deck's case study, as far as the assessment service goes: the cream joins the plan."""

from __future__ import annotations

from services.assessment.main import SPEC as ASSESSMENT
from shared.events.assessment import (
    ConsentLinked,
    ConsentRecorded,
    NeedsAssessed,
    PersonRegistered,
    RelationshipChanged,
    SupportPlanVersioned,
)
from shared.testing.events import deliver, published
from tests.assessment.conftest import (
    MDT,
    PRACTITIONER,
    given_assessment_body,
    given_mdt,
    given_person,
    given_task_delegated,
)
from tests.conftest import ServiceClient


async def test_case_study_steroid_cream_joins_the_twice_daily_plan_with_the_persons_consent(
    service_client: ServiceClient,
) -> None:
    """R4, R5, R7: assessed on the ward, consented, delegated; the visits stay as they were."""
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client, setting="own_home")
        assessed = await client.post(
            f"/people/{person_id}/assessments", json=given_assessment_body(), headers=PRACTITIONER
        )
        carers = {
            "visits_per_day": 2,
            "minutes_per_visit": 30,
            "days_per_week": 7,
            "provider_organisation": "PROVIDER-HOMECARE-1",
            "reason": "going home from hospital",
        }
        await client.post(
            f"/people/{person_id}/support-plan/versions", json=carers, headers=PRACTITIONER
        )
        consent = await client.post(
            f"/people/{person_id}/consents",
            json={"task_code": "steroid-cream", "given_by": "person", "given_on": "2026-01-05"},
            headers=PRACTITIONER,
        )
        await given_mdt(runtime, person_id)
        delegated = given_task_delegated(person_id)
        await deliver(runtime, delegated)
        plan = (await client.get(f"/people/{person_id}/support-plan", headers=MDT)).json()
        linked = await client.get(
            f"/people/{person_id}/consents/{consent.json()['id']}", headers=MDT
        )
        published_events = await published(runtime)
    events = [type(e) for e in published_events if not isinstance(e, RelationshipChanged)]
    related = {
        (e.organisation, e.basis.value)
        for e in published_events
        if isinstance(e, RelationshipChanged)
    }
    assert assessed.json()["eligibility"]["determination"]["eligible"] is True
    assert assessed.json()["health_needs"][0]["requires_health_professional"] is False
    assert plan["version"] == 3
    assert (plan["visits_per_day"], plan["minutes_per_visit"], plan["days_per_week"]) == (2, 30, 7)
    assert [t["task_code"] for t in plan["tasks"]] == ["steroid-cream"]
    assert plan["consent_ids"] == [consent.json()["id"]]
    assert linked.json()["linked_delegation_id"] == str(delegated.delegation_id)
    assert events == [
        PersonRegistered,
        NeedsAssessed,
        SupportPlanVersioned,
        SupportPlanVersioned,
        ConsentRecorded,
        SupportPlanVersioned,
        ConsentLinked,
    ]
    assert related == {
        ("LPT", "registered"),
        ("LEICESTER-CITY-COUNCIL", "local_authority"),
        ("LPT", "assessed"),
        ("LLR-ICB", "mdt"),
        ("PROVIDER-HOMECARE-1", "provider"),
        ("LPT", "oversight"),
        ("LPT", "commissioner"),
    }


async def test_every_route_is_documented_with_its_roles(service_client: ServiceClient) -> None:
    async with service_client(ASSESSMENT) as (client, _):
        document = (await client.get("/openapi.json")).json()
    for path, operations in document["paths"].items():
        for operation in operations.values():
            assert operation.get("summary"), path
            if path.startswith("/people") or path == "/audit":
                assert operation.get("x-roles"), path
