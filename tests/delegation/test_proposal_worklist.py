"""The MDT's work queue and the decision read back (R9-R14, R29): `GET /proposals` filtered and
paginated; the full decision record for the MDT and oversight roles; the Shared Care conditions
that bind the provider, read on the delegation by the provider."""

from __future__ import annotations

import uuid

from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.events.vocabulary import TaskCategory
from shared.testing.events import deliver
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import (
    CITY,
    MANAGER,
    MDT,
    PRACTITIONER,
    given_approved,
    given_no_consensus_body,
    given_person,
    given_proposal,
    given_relationships,
    shared_care_decided,
)

LPT_MDT = bearer(Role.MDT_MEMBER, "LPT")


async def test_r9_the_mdt_queue_lists_proposals_awaiting_decision_by_day_a_page_at_a_time(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        people = [uuid.uuid4() for _ in range(3)]
        for person_id in people:
            await given_person(runtime, person_id)
        first = await given_proposal(client, people[0])
        second = await given_proposal(client, people[1])
        decided = await given_approved(client, people[2])
        params = {"state": "submitted", "limit": 1}
        page = await client.get("/proposals", params=params, headers=LPT_MDT)
        rest = await client.get(
            "/proposals",
            params=params | {"cursor": page.json()["next_cursor"]},
            headers=LPT_MDT,
        )
        approved = await client.get("/proposals", params={"state": "approved"}, headers=LPT_MDT)
    assert page.status_code == 200, page.text
    both = page.json()["items"] + rest.json()["items"]
    assert sorted(p["id"] for p in both) == sorted([first, second])  # same day: by id
    assert rest.json()["next_cursor"] is None
    [done] = approved.json()["items"]
    assert done["delegation_id"] == decided


async def test_r9_proposals_filter_by_person_and_task_and_refuse_an_unknown_provider(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id, other = uuid.uuid4(), uuid.uuid4()
        for someone in (person_id, other):
            await given_person(runtime, someone)
        mine = await given_proposal(client, person_id)
        await given_proposal(client, other)
        by_person = await client.get(
            "/proposals", params={"person_id": str(person_id)}, headers=PRACTITIONER
        )
        by_task = await client.get(
            "/proposals", params={"task_code": "peg-feeding"}, headers=PRACTITIONER
        )
        unknown = await client.get(
            "/proposals", params={"provider_organisation": "NOBODY"}, headers=PRACTITIONER
        )
    assert [p["id"] for p in by_person.json()["items"]] == [mine]
    assert by_task.json()["items"] == []
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "provider_organisation"


async def test_proposals_are_listed_only_within_a_relationship_provider_staff_only_theirs(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        await given_person(runtime, person_id)
        proposal_id = await given_proposal(client, person_id)
        provider = await client.get("/proposals", headers=MANAGER)
        another_provider = await client.get(
            "/proposals", headers=bearer(Role.PROVIDER_MANAGER, "INDEPENDENT-SECTOR")
        )
        unrelated = await client.get("/proposals", headers=bearer(Role.MDT_MEMBER, CITY))
        care_worker = await client.get("/proposals", headers=bearer(Role.CARE_WORKER, "LPT"))
    assert [p["id"] for p in provider.json()["items"]] == [proposal_id]
    assert another_provider.json()["items"] == []
    assert unrelated.json()["items"] == []
    assert care_worker.status_code == 403


async def test_r9_r12_r29_the_full_mdt_decision_record_reads_back_for_mdt_and_oversight(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        await given_person(runtime, person_id)
        delegation_id = await given_approved(client, person_id)
        delegation = (await client.get(f"/delegations/{delegation_id}", headers=MDT)).json()
        url = f"/proposals/{delegation['proposal_id']}/decisions"
        by_mdt = await client.get(url, headers=MDT)
        by_practitioner = await client.get(url, headers=PRACTITIONER)
        by_provider = await client.get(url, headers=MANAGER)
        by_commissioner = await client.get(url, headers=bearer(Role.COMMISSIONER, CITY))
        missing = await client.get(f"/proposals/{uuid.uuid4()}/decisions", headers=MDT)
    assert by_mdt.status_code == 200, by_mdt.text
    [decision] = by_mdt.json()["items"]
    assert (decision["source"], decision["outcome"], decision["framework_version"]) == (
        "mdt",
        "approved",
        1,
    )
    record = decision["record"]
    disciplines = [m["discipline"] for m in record["members"]]
    assert disciplines == ["registered_nurse", "social_worker", "registered_nurse"]
    assert record["risk"]["stability"] == "stable"
    assert record["section_22"]["merely_incidental_or_ancillary"] is True
    assert decision["section_22_met"] is True
    assert set(decision["organisations"]) >= {"LPT", CITY}
    assert by_practitioner.json() == by_mdt.json()
    assert (by_provider.status_code, by_commissioner.status_code) == (403, 403)
    assert missing.status_code == 404


async def test_r14_shared_care_conditions_travel_to_the_delegation_and_the_provider_reads_them(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        await given_person(runtime, person_id)
        proposal_id = await given_proposal(client, person_id, task_code="peg-feeding")
        await client.post(
            f"/proposals/{proposal_id}/decision", json=given_no_consensus_body(), headers=MDT
        )
        await given_relationships(runtime)
        await deliver(
            runtime,
            shared_care_decided(
                proposal_id,
                person_id,
                conditions=["dietitian reviews monthly"],
                rationale="stable feeding regime",
                task_code="peg-feeding",
                category=TaskCategory.FEEDING_AND_DIGESTIVE,
            ),
        )
        await given_relationships(runtime)
        proposal = (await client.get(f"/proposals/{proposal_id}", headers=MDT)).json()
        delegation = await client.get(f"/delegations/{proposal['delegation_id']}", headers=MANAGER)
        decisions = await client.get(f"/proposals/{proposal_id}/decisions", headers=MDT)
    assert delegation.status_code == 200, delegation.text
    assert delegation.json()["conditions"] == ["dietitian reviews monthly"]
    assert [d["source"] for d in decisions.json()["items"]] == ["mdt", "shared_care"]
    assert decisions.json()["items"][1]["record"]["conditions"] == ["dietitian reviews monthly"]
