"""R9, R12, R13, R19 in full through the API, on real PostgreSQL: what a proposal and an MDT
decision must record, refused as a 422 naming the field and nothing written."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from httpx import AsyncClient, Response
from sqlalchemy import func, select

from services.delegation.main import SPEC as DELEGATION
from services.delegation.models import Decision, Delegation, Proposal
from shared.events.assessment import NeedChanged
from shared.events.delegation import DelegationDecided, ProposalSubmitted
from shared.events.governance import SharedCareDecisionRecorded
from shared.service import Runtime
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient
from tests.delegation.conftest import (
    CITY,
    MDT,
    Live,
    given_decision_body,
    given_live,
    given_member,
    given_no_consensus_body,
    given_plan,
    given_proposal,
    given_proposal_body,
    given_relationships,
    post_proposal,
    shared_care_decided,
)


async def count(runtime: Runtime, model: type[Delegation] | type[Proposal]) -> int:
    async with runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def problem(response: Response) -> tuple[int, str | None, str]:
    body = response.json()
    return response.status_code, body.get("rule"), str(body["errors"][0]["field"])


async def decide(client: AsyncClient, proposal_id: str, **overrides: Any) -> Response:
    body = given_decision_body(**overrides)
    return await client.post(f"/proposals/{proposal_id}/decision", json=body, headers=MDT)


async def propose(client: AsyncClient, **practitioner: Any) -> Response:
    body = given_proposal_body(uuid.uuid4())
    body["practitioner"] |= practitioner
    return await post_proposal(client, body)


# R13 -----------------------------------------------------------------------------------------


async def test_r13_a_registration_not_in_its_registers_form_is_refused_and_nothing_written(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        gmc_number_as_nmc = await propose(client, registration_number="1234567")
        proposals = await count(runtime, Proposal)
        submitted = await published(runtime, ProposalSubmitted)
    assert problem(gmc_number_as_nmc) == (422, "R13", "practitioner.registration_number")
    assert (proposals, submitted) == (0, [])


async def test_r13_a_social_work_england_registrant_cannot_propose_a_healthcare_task(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        social_worker = await propose(
            client, professional_body="SWE", registration_number="SW123456"
        )
    assert problem(social_worker) == (422, "R13", "practitioner.professional_body")


async def test_r13_competence_in_the_task_is_evidenced_by_a_coded_basis_that_is_recorded(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        body = given_proposal_body(uuid.uuid4())
        del body["practitioner"]["competence_basis"]
        bare_flag = await post_proposal(client, body)
        live = await given_live(client, runtime)
        delegation = await client.get(f"/delegations/{live.delegation_id}", headers=MDT)
    assert problem(bare_flag)[0::2] == (422, "practitioner.competence_basis")
    practitioner = delegation.json()["accountable_practitioner"]
    assert practitioner["competence_basis"] == "core_professional_practice"


async def test_r13_a_registration_typed_in_small_letters_is_recorded_as_the_register_writes_it(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        response = await propose(client, registration_number="12a3456e")
        async with runtime.sessions() as session:
            recorded = await session.get(Proposal, uuid.UUID(response.json()["id"]))
    assert response.status_code == 201
    assert recorded is not None
    assert recorded.registration_number == "12A3456E"


# R9 ------------------------------------------------------------------------------------------


async def test_r9_a_person_not_involved_needs_a_coded_reason_or_the_decision_is_refused(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        unexplained = await decide(client, proposal_id, person_involved=False)
        decided = await published(runtime, DelegationDecided)
        delegations = await count(runtime, Delegation)
        explained = await decide(
            client,
            proposal_id,
            person_involved=False,
            person_not_involved_reason="lacks_capacity",
            family_or_carers_involved=False,
            family_not_involved_reason="no_family_or_carers",
        )
    assert problem(unexplained)[0::2] == (422, "person_not_involved_reason")
    assert (decided, delegations) == ([], 0)
    assert explained.status_code == 201


async def test_r9_each_member_is_named_by_an_identifier_and_their_presence_recorded(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        nurse = given_member("registered_nurse", "LPT")
        anonymous = {
            k: v for k, v in given_member("social_worker", CITY).items() if k != "staff_id"
        }
        without_id = await decide(client, proposal_id, members=[nurse, anonymous])
        twice = await decide(client, proposal_id, members=[nurse, nurse])
    assert problem(without_id)[0::2] == (422, "members.1.staff_id")
    assert problem(twice)[0::2] == (422, "members")


async def test_r9_a_social_worker_who_was_not_present_does_not_make_the_mdt(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        members = [
            given_member("registered_nurse", "LPT"),
            given_member("social_worker", CITY, present=False),
        ]
        absent = await decide(client, proposal_id, members=members)
    assert problem(absent) == (422, "R9", "members")


# R12 -----------------------------------------------------------------------------------------


def risk(**changes: Any) -> dict[str, Any]:
    found: dict[str, Any] = given_decision_body()["risk"]
    return found | changes


async def test_r12_an_unstable_condition_is_delegated_under_weekly_oversight_recorded(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        unwatched = await decide(client, proposal_id, risk=risk(stability="unstable"))
        fortnightly = await decide(
            client, proposal_id, risk=risk(stability="fluctuating", oversight_interval_days=14)
        )
        weekly = await decide(
            client, proposal_id, risk=risk(stability="unstable", oversight_interval_days=7)
        )
        await given_relationships(runtime)
        delegation_id = weekly.json()["delegation_id"]
        delegation = await client.get(f"/delegations/{delegation_id}", headers=MDT)
    assert problem(unwatched) == (422, "R12", "risk.oversight_interval_days")
    assert problem(fortnightly) == (422, "R12", "risk.oversight_interval_days")
    assert weekly.status_code == 201
    assert delegation.json()["oversight_interval_days"] == 7


async def test_r12_a_highly_complex_task_needs_a_justification_and_a_condition_that_holds(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        high = risk(complexity="high")
        unjustified = await decide(client, proposal_id, risk=high)
        unstable = await decide(
            client,
            proposal_id,
            risk=high | {"stability": "unstable", "oversight_interval_days": 2},
            clinical_justification="carers observed three times by the district nurse",
        )
        justified = await decide(
            client,
            proposal_id,
            risk=high,
            clinical_justification="carers observed three times by the district nurse",
        )
    assert problem(unjustified) == (422, "R12", "clinical_justification")
    assert problem(unstable) == (422, "R12", "risk.complexity")
    assert justified.status_code == 201


# R19 -----------------------------------------------------------------------------------------


async def test_r19_extra_minutes_need_the_new_support_plan_the_mdt_agreed_recorded(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        proposal_id = await given_proposal(client, uuid.uuid4(), additional_minutes_per_week=30)
        without = await decide(client, proposal_id)
        delegations = await count(runtime, Delegation)
        plan = given_plan()
        agreed = await decide(client, proposal_id, new_support_plan=plan)
        await given_relationships(runtime)
        delegation_id = agreed.json()["delegation_id"]
        delegation = (await client.get(f"/delegations/{delegation_id}", headers=MDT)).json()
    assert problem(without) == (422, "R19", "new_support_plan")
    assert delegations == 0
    assert agreed.status_code == 201
    assert (delegation["support_plan_id"], delegation["support_plan_version"]) == (
        plan["plan_id"],
        plan["version"],
    )


async def review_of(client: AsyncClient, runtime: Runtime, live: Live) -> str:
    change = NeedChanged(
        person_id=live.person_id,
        change_id=uuid.uuid4(),
        significant=False,
        recorded_on=date(2026, 1, 5),
    )
    await deliver(runtime, change)
    reviews = await client.get(f"/delegations/{live.delegation_id}/reviews", headers=MDT)
    return str(reviews.json()["items"][0]["id"])


async def test_r19_a_review_that_changes_the_minutes_needs_a_new_support_plan(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime, additional_minutes_per_week=30)
        review_id = await review_of(client, runtime, live)
        url, change = f"/reviews/{review_id}/outcome", {"outcome": "change_minutes"}
        without = await client.post(
            url, json=change | {"additional_minutes_per_week": 60}, headers=MDT
        )
        plan = given_plan() | {"version": 3}
        agreed = await client.post(
            url,
            json=change | {"additional_minutes_per_week": 60, "new_support_plan": plan},
            headers=MDT,
        )
        delegation = (await client.get(f"/delegations/{live.delegation_id}", headers=MDT)).json()
    assert problem(without) == (422, "R19", "new_support_plan")
    assert agreed.status_code == 200, agreed.text
    assert (delegation["additional_minutes_per_week"], delegation["support_plan_version"]) == (
        60,
        3,
    )


# Shared Care: the same check on the MDT's record ----------------------------------------------


def delegate(proposal_id: str, person_id: uuid.UUID) -> SharedCareDecisionRecorded:
    return shared_care_decided(
        proposal_id, person_id, rationale="the carers already apply other creams"
    )


async def test_r19_r14_shared_care_cannot_delegate_extra_minutes_without_the_new_support_plan(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        proposal_id = await given_proposal(client, person_id, additional_minutes_per_week=30)
        await client.post(
            f"/proposals/{proposal_id}/decision", json=given_no_consensus_body(), headers=MDT
        )
        await given_relationships(runtime)
        await deliver(runtime, delegate(proposal_id, person_id))
        proposal = (await client.get(f"/proposals/{proposal_id}", headers=MDT)).json()
    assert (proposal["status"], proposal["refused_rule"]) == ("refused", "R19")
    assert proposal["delegation_id"] is None


async def test_r9_an_mdt_record_made_before_members_were_named_still_reaches_shared_care(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        proposal_id = await given_proposal(client, person_id)
        await client.post(
            f"/proposals/{proposal_id}/decision", json=given_no_consensus_body(), headers=MDT
        )
        await given_relationships(runtime)
        async with runtime.sessions() as session:
            decision = await session.scalar(select(Decision))
            assert decision is not None
            members = [
                {k: v for k, v in m.items() if k not in {"staff_id", "present"}}
                for m in decision.record["members"]
            ]
            decision.record = decision.record | {"members": members}
            await session.commit()
        await deliver(runtime, delegate(proposal_id, person_id))
        proposal = (await client.get(f"/proposals/{proposal_id}", headers=MDT)).json()
    assert proposal["status"] == "approved"
    assert proposal["delegation_id"] is not None
