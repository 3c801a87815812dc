"""R14: where the MDT cannot agree, a Shared Care discussion decides; it becomes a precedent."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from services.governance.domain import shared_care
from services.governance.main import SPEC as GOVERNANCE
from services.governance.models import CaseExample, MonitoringFact, SharedCareDiscussion
from shared.audit import audit_log
from shared.auth import Role
from shared.errors import Conflict, InvalidInput, RuleViolation
from shared.events.delegation import DecisionOutcome, DelegationDecided, SharedCareRequested
from shared.events.governance import SharedCareDecision, SharedCareDecisionRecorded
from shared.events.vocabulary import Direction, Setting, TaskCategory
from shared.inbox import dead_letters
from shared.testing.events import deliver, message_for
from tests.conftest import ServiceClient, bearer
from tests.governance.conftest import (
    MDT,
    given_decision,
    given_only,
    given_shared_care,
    given_shared_care_request,
    problem_field,
    published_as,
)

LPT = shared_care.Participant("dn-1", "district nursing", "LPT")
COUNCIL = shared_care.Participant("sw-1", "social work", "LEICESTER-CITY-COUNCIL")


def given_discussion(**overrides: Any) -> shared_care.Discussion:
    discussion = shared_care.Discussion(
        discussion_id=uuid.uuid4(),
        proposal_id=uuid.uuid4(),
        person_id=uuid.uuid4(),
        task_code="TOPICAL-STEROID",
        category=TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
        direction=Direction.HEALTH_TO_SOCIAL,
        setting=Setting.OWN_HOME,
        question="May the carers apply the cream?",
        positions=["yes", "not yet"],
    )
    return dataclasses.replace(discussion, **overrides)


def given_domain_decision(**overrides: Any) -> shared_care.Decision:
    decision = shared_care.Decision(
        decision=SharedCareDecision.DELEGATE,
        conditions=["trained first"],
        rationale="stable and low risk",
        circumstances="going home with carers twice a day",
        participants=[LPT, COUNCIL],
        decided_on=date(2026, 1, 5),
        summary="carers apply the cream once trained",
    )
    return dataclasses.replace(decision, **overrides)


# --- the rules, pure -------------------------------------------------------------------------


def test_r14_a_decision_is_published_and_kept_as_a_case_example_without_identifiers() -> None:
    discussion = given_discussion()
    status, event, example = shared_care.decide(discussion, given_domain_decision())
    assert status is shared_care.DiscussionStatus.DECIDED
    assert (event.proposal_id, event.person_id) == (discussion.proposal_id, discussion.person_id)
    fields = {f.name for f in dataclasses.fields(example)}
    assert not fields & {"person_id", "proposal_id", "discussion_id", "participants"}
    # Only structured facts and the summary written for publication: no other free text.
    assert not fields & {"question", "positions", "conditions", "rationale", "circumstances"}
    assert example.disciplines == ["district nursing", "social work"]
    assert example.summary == "carers apply the cream once trained"


def test_r14_a_discussion_decides_once() -> None:
    decided = given_discussion(status=shared_care.DiscussionStatus.DECIDED)
    with pytest.raises(Conflict):
        shared_care.decide(decided, given_domain_decision())


def test_r14_shared_care_brings_two_organisations_together() -> None:
    alone = given_domain_decision(participants=[LPT, dataclasses.replace(LPT, staff_id="x")])
    with pytest.raises(RuleViolation) as refused:
        shared_care.decide(given_discussion(), alone)
    assert refused.value.extensions["errors"][0]["field"] == "participants"


def test_r14_conditions_belong_only_to_a_decision_to_delegate() -> None:
    refusal = given_domain_decision(decision=SharedCareDecision.DO_NOT_DELEGATE)
    with pytest.raises(RuleViolation, match="conditions"):
        shared_care.decide(given_discussion(), refusal)


@pytest.mark.parametrize(
    "identifier",
    ["943 476 5919", "9434765919", "82a98874-cbba-4342-b54d-04ddcfd9e733", "jo.bloggs@example.org"],
)
def test_r14_circumstances_naming_someone_are_refused(identifier: str) -> None:
    named = given_domain_decision(circumstances=f"person {identifier} going home")
    with pytest.raises(RuleViolation) as refused:
        shared_care.decide(given_discussion(), named)
    assert refused.value.rule == "R14"


@given(st.text(min_size=1, max_size=40), st.from_regex(r"\d{3} \d{3} \d{4}", fullmatch=True))
def test_r14_a_case_example_never_keeps_the_mdt_question_or_positions(
    words: str, nhs_number: str
) -> None:
    question = f"{words} Jo Bloggs {nhs_number} {words}"
    discussion = given_discussion(question=question, positions=[nhs_number, question])
    _, _, example = shared_care.decide(discussion, given_domain_decision())
    published = str(dataclasses.asdict(example))
    assert nhs_number not in published
    assert "Jo Bloggs" not in published


# --- through the API, on PostgreSQL ---------------------------------------------------------


async def test_r14_shared_care_requested_opens_a_discussion_with_the_question_and_positions(
    service_client: ServiceClient,
) -> None:
    request = given_shared_care_request()
    async with service_client(GOVERNANCE) as (client, runtime):
        await given_shared_care(runtime, request)
        opened = await given_only(client, "/shared-care/discussions?open_only=true", MDT)
    assert opened["proposal_id"] == str(request.proposal_id)
    assert opened["question"] == request.question
    assert opened["positions"] == request.positions
    assert opened["question_code"] == "may_delegate"
    assert [s["stance"] for s in opened["stances"]] == ["delegate", "delegate_with_conditions"]
    assert opened["decision"] is None


async def test_r14_the_same_request_applied_twice_opens_one_discussion(
    service_client: ServiceClient,
) -> None:
    request = given_shared_care_request()
    async with service_client(GOVERNANCE) as (_, runtime):
        message = message_for(request)
        await runtime.inbox.deliver(message)
        await runtime.inbox.deliver(message)  # redelivered by the broker
        await deliver(runtime, request)  # re-sent by delegation with a new event id
        async with runtime.sessions() as session:
            count = await session.scalar(select(func.count()).select_from(SharedCareDiscussion))
    assert count == 1


async def test_r14_the_decision_is_published_and_becomes_a_searchable_case_example(
    service_client: ServiceClient,
) -> None:
    request = given_shared_care_request()
    async with service_client(GOVERNANCE) as (client, runtime):
        await given_shared_care(runtime, request)
        discussion = await given_only(client, "/shared-care/discussions", MDT)
        decided = await client.post(
            f"/shared-care/discussions/{discussion['discussion_id']}/decision",
            json=given_decision(),
            headers=MDT,
        )
        [event] = await published_as(runtime, SharedCareDecisionRecorded)
        found = await client.get(
            "/shared-care/case-examples",
            params={
                "task_code": "TOPICAL-STEROID",
                "category": "compromised_skin_integrity_and_wound_care",
                "direction": "health_to_social",
                "circumstances": "CREAM lower leg",  # words of the published summary
            },
            headers=bearer(Role.MDT_MEMBER, "LEICESTER-CITY-COUNCIL"),
        )
        other_direction = await client.get(
            "/shared-care/case-examples", params={"direction": "social_to_health"}, headers=MDT
        )
        other_words = await client.get(
            "/shared-care/case-examples", params={"circumstances": "syringe driver"}, headers=MDT
        )
    assert decided.status_code == 201
    assert decided.json()["decision"] == "delegate"
    assert event.model_dump() | {"discussion_id": None} == {
        "subject_id": f"shared-care-{discussion['discussion_id']}",
        "discussion_id": None,
        "proposal_id": request.proposal_id,
        "person_id": request.person_id,
        "decision": SharedCareDecision.DELEGATE,
        "conditions": ["carers trained and assessed before discharge"],
        "rationale": "the task is stable and low risk once the carers are trained",
        "task_code": "TOPICAL-STEROID",
        "category": TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
        "direction": Direction.HEALTH_TO_SOCIAL,
        "setting": Setting.OWN_HOME,
        "decided_on": date(2026, 1, 5),
    }
    [example] = found.json()["items"]
    assert example["disciplines"] == ["district nursing", "social work"]
    assert (other_direction.json()["items"], other_words.json()["items"]) == ([], [])


async def test_r14_a_case_example_carries_no_identifiers(service_client: ServiceClient) -> None:
    request = given_shared_care_request()
    async with service_client(GOVERNANCE) as (client, runtime):
        await given_shared_care(runtime, request)
        discussion = await given_only(client, "/shared-care/discussions", MDT)
        await client.post(
            f"/shared-care/discussions/{discussion['discussion_id']}/decision",
            json=given_decision(),
            headers=MDT,
        )
        [example] = (await client.get("/shared-care/case-examples", headers=MDT)).json()["items"]
        async with runtime.sessions() as session:
            columns = set(CaseExample.__table__.columns.keys())
            stored = await session.scalar(select(CaseExample))
    identifiers = {str(request.person_id), str(request.proposal_id), discussion["discussion_id"]}
    assert not {"person_id", "proposal_id", "discussion_id", "participants"} & columns
    assert not {"person_id", "proposal_id", "discussion_id", "participants"} & set(example)
    assert not any(i in str(example) for i in identifiers)
    assert stored is not None
    assert not any(i in str(vars(stored)) for i in identifiers)
    assert "dn-1" not in str(example)  # participants' staff ids stay with the discussion


async def test_r14_a_second_decision_on_the_same_discussion_is_refused(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        await given_shared_care(runtime, given_shared_care_request())
        discussion = await given_only(client, "/shared-care/discussions", MDT)
        path = f"/shared-care/discussions/{discussion['discussion_id']}/decision"
        first = await client.post(path, json=given_decision(), headers=MDT)
        second = await client.post(
            path,
            json=given_decision(decision="do_not_delegate", conditions=[]),
            headers=bearer(Role.REGISTERED_PRACTITIONER, "LPT"),
        )
        events = await published_as(runtime, SharedCareDecisionRecorded)
        examples = (await client.get("/shared-care/case-examples", headers=MDT)).json()["items"]
    assert (first.status_code, second.status_code) == (201, 409)
    assert (len(events), len(examples)) == (1, 1)


async def test_r14_a_decision_naming_the_person_is_refused_and_nothing_is_recorded(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        await given_shared_care(runtime, given_shared_care_request())
        discussion = await given_only(client, "/shared-care/discussions", MDT)
        path = f"/shared-care/discussions/{discussion['discussion_id']}/decision"
        named = await client.post(
            path, json=given_decision(circumstances="NHS number 943 476 5919"), headers=MDT
        )
        one_person = await client.post(
            path,
            json=given_decision(participants=given_decision()["participants"][:1]),
            headers=MDT,
        )
        bad_decision = await client.post(path, json=given_decision(decision="maybe"), headers=MDT)
        read = await client.get(
            f"/shared-care/discussions/{discussion['discussion_id']}", headers=MDT
        )
        sent = await published_as(runtime, SharedCareDecisionRecorded)
    assert named.status_code == 422
    assert named.json()["rule"] == "R14"
    assert problem_field(named) == "circumstances"
    assert problem_field(one_person) == "participants"
    assert problem_field(bad_decision) == "decision"
    assert read.json()["decision"] is None
    assert sent == []


async def test_r14_who_may_record_and_read_shared_care(service_client: ServiceClient) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        await given_shared_care(runtime, given_shared_care_request())
        discussion = await given_only(client, "/shared-care/discussions", MDT)
        path = f"/shared-care/discussions/{discussion['discussion_id']}/decision"
        worker = await client.post(path, json=given_decision(), headers=bearer(Role.CARE_WORKER))
        provider = await client.get(
            "/shared-care/case-examples", headers=bearer(Role.PROVIDER_MANAGER)
        )
        auditor = await client.get("/shared-care/case-examples", headers=bearer(Role.AUDITOR))
        missing = await client.post(
            f"/shared-care/discussions/{uuid.uuid4()}/decision",
            json=given_decision(),
            headers=MDT,
        )
    assert (worker.status_code, provider.status_code) == (403, 403)
    assert auditor.status_code == 200
    assert missing.status_code == 404


# --- a Shared Care decision to delegate that the delegation service refused (R14, R10-R12) ---


def given_refusal(
    request: SharedCareRequested, rule: str | None = "R10", **overrides: Any
) -> DelegationDecided:
    fields: dict[str, Any] = {
        "person_id": request.person_id,
        "proposal_id": request.proposal_id,
        "outcome": DecisionOutcome.REFUSED,
        "framework_version": 1,
        "decided_on": date(2026, 1, 5),
        "rule": rule,
    }
    return DelegationDecided(**(fields | overrides))


def test_r14_a_decision_to_delegate_refused_on_a_rule_moves_the_discussion_on_once() -> None:
    decided, delegate = shared_care.DiscussionStatus.DECIDED, SharedCareDecision.DELEGATE
    refused = shared_care.DiscussionStatus.DELEGATION_REFUSED
    assert shared_care.record_refusal(decided, delegate, "R10") is refused
    assert shared_care.record_refusal(refused, delegate, "R10") is None  # the same fact again
    assert shared_care.record_refusal(decided, SharedCareDecision.DO_NOT_DELEGATE, "R10") is None
    assert shared_care.record_refusal(shared_care.DiscussionStatus.OPEN, None, "R10") is None


@pytest.mark.parametrize("rule", ["the person's GP said no", "R30", "r10", "R10 because"])
def test_r14_a_refusal_names_its_rule_by_id_and_never_by_free_text(rule: str) -> None:
    with pytest.raises(InvalidInput):
        shared_care.record_refusal(
            shared_care.DiscussionStatus.DECIDED, SharedCareDecision.DELEGATE, rule
        )


def test_r14_a_refused_discussion_cannot_decide_again() -> None:
    refused = given_discussion(status=shared_care.DiscussionStatus.DELEGATION_REFUSED)
    with pytest.raises(Conflict):
        shared_care.decide(refused, given_domain_decision())


async def given_decided(
    client: Any, runtime: Any, request: SharedCareRequested, **decision: Any
) -> dict[str, Any]:
    await given_shared_care(runtime, request)
    discussion = await given_only(client, "/shared-care/discussions", MDT)
    decided = await client.post(
        f"/shared-care/discussions/{discussion['discussion_id']}/decision",
        json=given_decision(**decision),
        headers=MDT,
    )
    assert decided.status_code == 201, decided.text
    result: dict[str, Any] = decided.json()
    return result


async def test_r14_a_shared_care_delegate_refused_by_delegation_shows_the_rule_where_it_is_read(
    service_client: ServiceClient,
) -> None:
    request = given_shared_care_request()
    async with service_client(GOVERNANCE) as (client, runtime):
        discussion = await given_decided(client, runtime, request)
        path = f"/shared-care/discussions/{discussion['discussion_id']}"
        before = (await client.get(path, headers=MDT)).json()
        refusal = given_refusal(request, rule="R11")
        message = message_for(refusal)
        await runtime.inbox.deliver(message)
        await runtime.inbox.deliver(message)  # redelivered by the broker
        await deliver(runtime, refusal)  # re-sent by delegation under a new event id
        after = (await client.get(path, headers=MDT)).json()
        [example] = (await client.get("/shared-care/case-examples", headers=MDT)).json()["items"]
        async with runtime.sessions() as session:
            facts = (
                await session.scalars(
                    select(MonitoringFact).where(MonitoringFact.kind == "shared_care_refused")
                )
            ).all()
            audits = await session.scalar(
                select(func.count())
                .select_from(audit_log)
                .where(audit_log.c.action == "shared_care.refused")
            )
    assert (before["refusal_rule"], before["refused_on"]) == (None, None)
    assert (after["refusal_rule"], after["refused_on"]) == ("R11", "2026-01-05")
    assert after["decision"] == "delegate"  # the Shared Care decision itself stands as made
    assert example["refusal_rule"] == "R11"
    [fact] = facts
    assert (fact.rule, fact.framework_version) == ("R11", 1)
    assert audits == 1


async def test_r14_refusals_that_are_not_of_a_shared_care_delegate_leave_discussions_alone(
    service_client: ServiceClient,
) -> None:
    not_to_delegate, still_open = given_shared_care_request(), given_shared_care_request()
    no_discussion = given_shared_care_request()
    async with service_client(GOVERNANCE) as (client, runtime):
        await given_decided(
            client, runtime, not_to_delegate, decision="do_not_delegate", conditions=[]
        )
        await given_shared_care(runtime, still_open)
        await deliver(
            runtime,
            given_refusal(not_to_delegate),
            given_refusal(still_open),
            given_refusal(no_discussion),
        )
        discussions = (await client.get("/shared-care/discussions", headers=MDT)).json()["items"]
        [example] = (await client.get("/shared-care/case-examples", headers=MDT)).json()["items"]
    assert [d["refusal_rule"] for d in discussions] == [None, None]
    assert example["refusal_rule"] is None


async def test_r14_a_refusal_naming_free_text_is_not_stored_and_is_parked_for_operations(
    service_client: ServiceClient,
) -> None:
    request = given_shared_care_request()
    async with service_client(GOVERNANCE) as (client, runtime):
        discussion = await given_decided(client, runtime, request)
        await deliver(runtime, given_refusal(request, rule="GP at 1 High St said no"))
        read = await client.get(
            f"/shared-care/discussions/{discussion['discussion_id']}", headers=MDT
        )
        async with runtime.sessions() as session:
            parked = await session.scalar(select(func.count()).select_from(dead_letters))
    assert read.json()["refusal_rule"] is None
    assert parked == 1
