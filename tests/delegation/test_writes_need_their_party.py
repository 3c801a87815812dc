"""Issue 14, items 2, 4 and 9 in delegation: a proposal is made only for a person the proposer's
organisation has a relationship with; the MDT records its own decision (recording one makes no
relationship); dates a schema admits are checked against today, never a 5xx."""

from __future__ import annotations

import uuid

from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.events.delegation import DelegationDecided
from shared.testing.events import published
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import (
    CITY,
    MANAGER,
    MDT,
    PRACTITIONER,
    given_decision_body,
    given_live,
    given_member,
    given_person,
    given_proposal,
    given_proposal_body,
    given_related,
)


def field_of(response: object) -> str:
    return str(response.json()["errors"][0]["field"])  # type: ignore[attr-defined]


async def test_a_proposal_for_a_person_the_proposers_organisation_does_not_know_is_404(
    service_client: ServiceClient,
) -> None:
    """Any registered practitioner could name any person id: without a relationship the person's
    existence is not even confirmed, and nothing is written."""
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        await given_person(runtime, person_id)
        unknown = await client.post(
            "/proposals", json=given_proposal_body(person_id), headers=PRACTITIONER
        )
        await given_related(runtime, person_id, "LPT")  # LPT's nurse assessed the person
        known = await client.post(
            "/proposals", json=given_proposal_body(person_id), headers=PRACTITIONER
        )
    assert unknown.status_code == 404, unknown.text
    assert known.status_code == 201, known.text


async def test_r9_the_member_recording_a_decision_is_of_an_organisation_at_the_mdt(
    service_client: ServiceClient,
) -> None:
    """An MDT member of an organisation that was not at the meeting cannot record its decision,
    so cannot make its organisation a party to the person's care by recording one."""
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        await given_person(runtime, person_id)
        await given_related(runtime, person_id, "LPT")
        proposal_id = await given_proposal(client, person_id)
        outsider = await client.post(
            f"/proposals/{proposal_id}/decision",
            json=given_decision_body(),
            headers=bearer(Role.MDT_MEMBER, "LEICESTERSHIRE-COUNTY-COUNCIL"),
        )
        decided = await client.post(
            f"/proposals/{proposal_id}/decision", json=given_decision_body(), headers=MDT
        )
        events = [e for e in await published(runtime) if isinstance(e, DelegationDecided)]
    assert outsider.status_code == 403, outsider.text
    assert "present at the MDT" in outsider.json()["detail"]
    assert decided.status_code == 201, decided.text
    [event] = events
    assert event.mdt_organisations == sorted({"LPT", CITY, "LLR-ICB"})


async def test_r9_a_member_not_present_makes_no_relationship_for_their_organisation(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        await given_person(runtime, person_id)
        await given_related(runtime, person_id, "LPT")
        proposal_id = await given_proposal(client, person_id)
        members = [
            *given_decision_body()["members"],
            given_member("allied_health_professional", "UHL", present=False),
        ]
        decided = await client.post(
            f"/proposals/{proposal_id}/decision",
            json=given_decision_body(members=members),
            headers=MDT,
        )
        [event] = [e for e in await published(runtime) if isinstance(e, DelegationDecided)]
    assert decided.status_code == 201, decided.text
    assert "UHL" not in event.mdt_organisations


async def test_dates_an_occurrence_in_the_future_is_refused_naming_the_field(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        url = f"/delegations/{live.delegation_id}/occurrences"
        answers = {
            day: await client.post(url, json={"occurred_on": day}, headers=PRACTITIONER)
            for day in ("0001-01-01", "2199-12-31", "9999-12-31")
        }
    for day, answer in answers.items():
        assert answer.status_code == 422, (day, answer.text)
        assert field_of(answer) == "occurred_on"


async def test_r18_a_handback_notice_date_is_today_or_within_a_year_never_a_5xx(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        url = f"/delegations/{live.delegation_id}/handback-notice"
        reason = {"reason": "the provider's contract ends"}
        answers = {
            day: await client.post(url, json={"notice_date": day} | reason, headers=MANAGER)
            for day in ("0001-01-01", "2100-01-01", "9999-12-31")
        }
        read = await client.get(f"/delegations/{live.delegation_id}", headers=MDT)
    for day, answer in answers.items():
        assert answer.status_code == 422, (day, answer.text)
        assert field_of(answer) == "notice_date"
    assert read.json()["status"] == "live"  # nothing half-written
