"""MDT decisions through the API: R1, R9-R14, R29, on real PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

from sqlalchemy import func, select

from services.delegation.main import SPEC as DELEGATION
from services.delegation.models import Decision, Delegation, Proposal
from shared.events.delegation import (
    DecisionOutcome,
    DelegationDecided,
    ProposalSubmitted,
    SharedCareRequested,
)
from shared.events.governance import (
    FrameworkVersionPublished,
    SharedCareDecision,
)
from shared.events.vocabulary import TaskCategory
from shared.service import Runtime
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient
from tests.delegation.conftest import (
    CITY,
    MDT,
    PRACTITIONER,
    given_decision_body,
    given_member,
    given_no_consensus_body,
    given_proposal,
    given_proposal_body,
    given_relationships,
    post_proposal,
    shared_care_decided,
)


async def count(runtime: Runtime, model: type[Decision] | type[Delegation] | type[Proposal]) -> int:
    async with runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def test_r9_r29_approval_records_the_framework_version_and_makes_a_delegation(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        response = await client.post(
            f"/proposals/{proposal_id}/decision", json=given_decision_body(), headers=MDT
        )
        await given_relationships(runtime)
        proposal = await client.get(f"/proposals/{proposal_id}", headers=MDT)
        decided = await published(runtime, DelegationDecided)
    assert response.status_code == 201
    assert response.json()["framework_version"] == 1
    assert proposal.json()["status"] == "approved"
    assert proposal.json()["delegation_id"] == response.json()["delegation_id"]
    assert [
        (e.outcome, e.framework_version) for e in decided if isinstance(e, DelegationDecided)
    ] == [(DecisionOutcome.APPROVED, 1)]


async def test_r29_a_decision_after_a_new_version_records_that_version(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        await deliver(
            runtime,
            FrameworkVersionPublished(
                subject_id="v2", version=2, effective_from=date(2026, 1, 1), summary="v2"
            ),
        )
        proposal_id = await given_proposal(client, uuid.uuid4())
        response = await client.post(
            f"/proposals/{proposal_id}/decision", json=given_decision_body(), headers=MDT
        )
    assert response.json()["framework_version"] == 2


async def test_r9_an_mdt_without_a_social_care_practitioner_cannot_decide(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        body = given_decision_body(members=[given_member("registered_nurse", "LPT")])
        response = await client.post(f"/proposals/{proposal_id}/decision", json=body, headers=MDT)
    assert response.status_code == 422
    assert response.json()["rule"] == "R9"


async def test_r10_an_absolute_non_delegable_task_is_refused_at_proposal_and_nothing_is_written(
    service_client: ServiceClient,
) -> None:
    """Changed by issue 13: refused when proposed (422 R10), no longer only at the MDT."""
    async with service_client(DELEGATION) as (client, runtime):
        response = await post_proposal(
            client, given_proposal_body(uuid.uuid4(), task_code="iv-drug-administration")
        )
        proposals = await count(runtime, Proposal)
        submitted = await published(runtime, ProposalSubmitted)
    assert response.status_code == 422
    assert response.json()["rule"] == "R10"
    assert (proposals, submitted) == (0, [])


async def test_r10_the_mdt_may_refuse_a_task_for_one_person_with_reasons(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        without = await client.post(
            f"/proposals/{proposal_id}/decision",
            json=given_decision_body(outcome="refused"),
            headers=MDT,
        )
        refused = await client.post(
            f"/proposals/{proposal_id}/decision",
            json=given_decision_body(outcome="refused", reasons="not right for this person"),
            headers=MDT,
        )
    assert without.json()["errors"][0]["field"] == "reasons"
    assert refused.status_code == 201
    assert refused.json()["delegation_id"] is None


async def test_r10_a_case_by_case_task_needs_a_clinical_justification(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        proposal_id = await given_proposal(client, uuid.uuid4(), task_code="complex-wound-dressing")
        missing = await client.post(
            f"/proposals/{proposal_id}/decision", json=given_decision_body(), headers=MDT
        )
        justified = await client.post(
            f"/proposals/{proposal_id}/decision",
            json=given_decision_body(clinical_justification="simple, stable wound; TVN plan"),
            headers=MDT,
        )
    assert missing.json()["rule"] == "R10"
    assert justified.status_code == 201


async def test_r11_an_approval_without_the_section_22_test_is_refused(
    service_client: ServiceClient,
) -> None:
    """Changed by issue 13: a failed test no longer refuses (see test_section_22.py)."""
    async with service_client(DELEGATION) as (client, _runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        missing = await client.post(
            f"/proposals/{proposal_id}/decision",
            json=given_decision_body(section_22=None),
            headers=MDT,
        )
    assert missing.json()["rule"] == "R11"


async def test_r12_approval_needs_best_interests_and_a_managed_risk(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        decision = given_decision_body(best_interests=False)
        not_best = await client.post(
            f"/proposals/{proposal_id}/decision", json=decision, headers=MDT
        )
        decision = given_decision_body()
        decision["risk"]["stability"] = "unstable"
        unstable = await client.post(
            f"/proposals/{proposal_id}/decision", json=decision, headers=MDT
        )
        decision = given_decision_body()
        del decision["risk"]["expected_outcome"]
        incomplete = await client.post(
            f"/proposals/{proposal_id}/decision", json=decision, headers=MDT
        )
    assert not_best.json()["rule"] == "R12"
    assert unstable.json()["rule"] == "R12"
    assert incomplete.json()["errors"][0]["field"] == "risk.expected_outcome"


async def test_two_mdt_decisions_racing_on_one_proposal_one_wins_the_other_409(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        approve, refuse = await asyncio.gather(
            client.post(
                f"/proposals/{proposal_id}/decision", json=given_decision_body(), headers=MDT
            ),
            client.post(
                f"/proposals/{proposal_id}/decision",
                json=given_decision_body(outcome="refused", reasons="too risky"),
                headers=MDT,
            ),
        )
        decisions = await count(runtime, Decision)
        decided = await published(runtime, DelegationDecided)
    assert sorted([approve.status_code, refuse.status_code]) == [201, 409]
    loser = approve if approve.status_code == 409 else refuse
    assert "already" in loser.json()["detail"]
    assert decisions == 1
    assert len(decided) == 1


async def test_r14_no_consensus_requests_shared_care_and_its_decision_is_applied(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        proposal_id = await given_proposal(client, person_id, task_code="peg-feeding")
        response = await client.post(
            f"/proposals/{proposal_id}/decision", json=given_no_consensus_body(), headers=MDT
        )
        await given_relationships(runtime)
        waiting = (await client.get(f"/proposals/{proposal_id}", headers=MDT)).json()
        ruling = shared_care_decided(
            proposal_id,
            person_id,
            conditions=["dietitian reviews monthly"],
            rationale="stable feeding regime",
            task_code="peg-feeding",
            category=TaskCategory.FEEDING_AND_DIGESTIVE,
        )
        await deliver(runtime, ruling, ruling)  # a second delivery changes nothing
        applied = (await client.get(f"/proposals/{proposal_id}", headers=MDT)).json()
        requested = await published(runtime, SharedCareRequested)
        decided = await published(runtime, DelegationDecided)
    assert response.status_code == 201
    assert waiting["status"] == "awaiting_shared_care"
    [request] = requested
    assert isinstance(request, SharedCareRequested)
    assert request.question == "Whether the task may be delegated: task peg-feeding, " + (
        "health_to_social, own_home"
    )
    assert request.positions == [
        "registered_nurse (LPT): delegate",
        f"social_worker ({CITY}): do not delegate",
        "registered_nurse (LLR-ICB): delegate",
    ]
    assert applied["status"] == "approved"
    assert applied["shared_care_conditions"] == ["dietitian reviews monthly"]
    assert applied["delegation_id"] is not None
    assert [e.outcome for e in decided if isinstance(e, DelegationDecided)] == [
        DecisionOutcome.NO_CONSENSUS,
        DecisionOutcome.APPROVED,
    ]


async def test_r14_shared_care_may_decide_not_to_delegate(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        proposal_id = await given_proposal(client, person_id)
        earlier_client = await client.post(  # words, no codes: accepted, kept, never sent
            f"/proposals/{proposal_id}/decision",
            json=given_decision_body(outcome="no_consensus", question="q?", positions=["a", "b"]),
            headers=MDT,
        )
        assert earlier_client.status_code == 201, earlier_client.text
        await given_relationships(runtime)
        await deliver(
            runtime,
            shared_care_decided(
                proposal_id,
                person_id,
                decision=SharedCareDecision.DO_NOT_DELEGATE,
                rationale="too complex",
            ),
        )
        applied = (await client.get(f"/proposals/{proposal_id}", headers=MDT)).json()
    assert applied["status"] == "refused"
    assert applied["delegation_id"] is None


async def test_only_mdt_members_decide(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        response = await client.post(
            f"/proposals/{proposal_id}/decision",
            json=given_decision_body(),
            headers=PRACTITIONER,
        )
    assert response.status_code == 403
