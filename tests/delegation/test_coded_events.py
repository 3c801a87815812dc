"""Information governance on delegation's events: reasons are coded, the Shared Care request is
made of codes, the organisations that propose and decide are named; what a user types stays in
delegation's tables and never reaches another service (issue 14, items 2 and 6)."""

from __future__ import annotations

import types
import typing
import uuid
from collections.abc import Iterator
from datetime import date
from typing import Any

from pydantic import BaseModel

from services.delegation.domain.reasons import DECLINE_WORDING, END_WORDING
from services.delegation.main import SPEC as DELEGATION
from shared.events import delegation as events
from shared.events.assessment import NeedChanged
from shared.events.delegation import (
    DeclineReason,
    DelegationDecided,
    DelegationDeclined,
    DelegationEnded,
    EndReason,
    ProposalSubmitted,
    SharedCareQuestion,
    SharedCareRequested,
    Stance,
)
from shared.events.governance import SharedCareDecisionRecorded
from shared.service import Runtime
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient
from tests.delegation.conftest import (
    CITY,
    MANAGER,
    MDT,
    given_approved,
    given_decision_body,
    given_live,
    given_member,
    given_no_consensus_body,
    given_proposal,
    given_relationships,
    shared_care_decided,
)

# What a user might type into a reason or a question: a name, an NHS number, a postcode.
TYPED = "Mrs Jane Smith, NHS 943 476 5919, of LE1 5WW"


def leaked(sent: str) -> list[str]:
    """Which of the typed words (name, NHS number, postcode) an event carries."""
    return [word for word in ("Smith", "943 476 5919", "LE1 5WW") if word in sent]


async def everything_sent(runtime: Runtime) -> str:
    """Every event delegation has written to its outbox, as another service would read it."""
    return " ".join(e.model_dump_json() for e in await published(runtime))


# ----------------------------------------------------------------------------------------------
# Coded reasons (item 6)


async def test_a_decline_publishes_its_code_and_wording_and_keeps_the_providers_words(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        delegation_id = await given_approved(client, uuid.uuid4())
        response = await client.post(
            f"/delegations/{delegation_id}/decline",
            json={"reason_code": "no_capacity", "reason_detail": TYPED},
            headers=MANAGER,
        )
        [declined] = await published(runtime, DelegationDeclined)
        sent = await everything_sent(runtime)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["declined_reason_code"], body["declined_reason"]) == ("no_capacity", TYPED)
    assert isinstance(declined, DelegationDeclined)
    assert (declined.reason_code, declined.reason) == (
        DeclineReason.NO_CAPACITY,
        DECLINE_WORDING[DeclineReason.NO_CAPACITY],
    )
    assert leaked(sent) == []


async def test_an_end_publishes_its_code_and_wording_and_keeps_the_enders_words(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        response = await client.post(
            f"/delegations/{live.delegation_id}/end",
            json={"reason_code": "person_moved", "reason_detail": TYPED},
            headers=MDT,
        )
        [ended] = await published(runtime, DelegationEnded)
        sent = await everything_sent(runtime)
    assert response.status_code == 200, response.text
    assert (response.json()["end_reason_code"], response.json()["end_reason"]) == (
        "person_moved",
        TYPED,
    )
    assert isinstance(ended, DelegationEnded)
    assert (ended.reason_code, ended.reason) == (EndReason.PERSON_MOVED, "The person has moved")
    assert leaked(sent) == []


async def test_an_earlier_clients_words_alone_are_kept_here_and_published_as_other(
    service_client: ServiceClient,
) -> None:
    """Backwards compatible: `reason` as before is still accepted, kept as the detail."""
    async with service_client(DELEGATION) as (client, runtime):
        declined_id = await given_approved(client, uuid.uuid4())
        ended_id = await given_approved(client, uuid.uuid4())
        declined = await client.post(
            f"/delegations/{declined_id}/decline", json={"reason": TYPED}, headers=MANAGER
        )
        ended = await client.post(
            f"/delegations/{ended_id}/end", json={"reason": TYPED}, headers=MDT
        )
        [decline_event] = await published(runtime, DelegationDeclined)
        [end_event] = await published(runtime, DelegationEnded)
        sent = await everything_sent(runtime)
    assert (declined.status_code, ended.status_code) == (200, 200)
    assert declined.json()["declined_reason"] == TYPED
    assert ended.json()["end_reason"] == TYPED
    assert isinstance(decline_event, DelegationDeclined)
    assert isinstance(end_event, DelegationEnded)
    assert (decline_event.reason_code, end_event.reason_code) == (
        DeclineReason.OTHER,
        EndReason.OTHER,
    )
    assert end_event.reason == END_WORDING[EndReason.OTHER]
    assert leaked(sent) == []


async def test_a_reason_needs_its_code_and_other_needs_its_words(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        url = f"/delegations/{live.delegation_id}/end"
        nothing = await client.post(url, json={}, headers=MDT)
        other = await client.post(url, json={"reason_code": "other"}, headers=MDT)
        unknown = await client.post(url, json={"reason_code": "bored"}, headers=MDT)
        ended = await published(runtime, DelegationEnded)
    assert nothing.json()["errors"][0]["field"] == "reason_code"
    assert other.json()["errors"][0]["field"] == "reason_detail"
    assert unknown.json()["errors"][0]["field"] == "reason_code"
    assert ended == []


async def test_r26_a_review_that_ends_the_delegation_publishes_a_code_not_its_notes(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        change = NeedChanged(
            person_id=live.person_id,
            change_id=uuid.uuid4(),
            significant=False,
            recorded_on=date(2026, 1, 5),
        )
        await deliver(runtime, change)
        reviews = await client.get(f"/delegations/{live.delegation_id}/reviews", headers=MDT)
        [review] = reviews.json()["items"]
        response = await client.post(
            f"/reviews/{review['id']}/outcome",
            json={"outcome": "end", "notes": TYPED, "end_reason_code": "need_met"},
            headers=MDT,
        )
        [ended] = await published(runtime, DelegationEnded)
        sent = await everything_sent(runtime)
    assert response.status_code == 200, response.text
    assert isinstance(ended, DelegationEnded)
    assert ended.reason_code is EndReason.NEED_MET
    assert leaked(sent) == []


# ----------------------------------------------------------------------------------------------
# The Shared Care request (item 6)


async def test_r14_the_shared_care_request_carries_codes_and_words_made_from_them(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        proposal_id = await given_proposal(client, uuid.uuid4(), task_code="peg-feeding")
        body = given_no_consensus_body(
            question_code="conditions", question=TYPED, positions=[TYPED, TYPED]
        )
        response = await client.post(f"/proposals/{proposal_id}/decision", json=body, headers=MDT)
        [requested] = await published(runtime, SharedCareRequested)
        sent = await everything_sent(runtime)
    assert response.status_code == 201, response.text
    assert isinstance(requested, SharedCareRequested)
    assert requested.question_code is SharedCareQuestion.CONDITIONS
    assert requested.question == (
        "On what conditions the task may be delegated: task peg-feeding, health_to_social, own_home"
    )
    assert [(p.organisation, p.stance) for p in requested.stances] == [
        ("LPT", Stance.DELEGATE),
        (CITY, Stance.DO_NOT_DELEGATE),
        ("LLR-ICB", Stance.DELEGATE),
    ]
    assert requested.positions == [
        "registered_nurse (LPT): delegate",
        f"social_worker ({CITY}): do not delegate",
        "registered_nurse (LLR-ICB): delegate",
    ]
    assert leaked(sent) == []


async def test_r14_members_who_all_stood_the_same_are_no_failed_consensus(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        proposal_id = await given_proposal(client, uuid.uuid4())
        members = [
            given_member("registered_nurse", "LPT", stance="delegate"),
            given_member("social_worker", CITY, stance="delegate"),
            given_member("registered_nurse", "LLR-ICB", stance="delegate"),
        ]
        response = await client.post(
            f"/proposals/{proposal_id}/decision",
            json=given_no_consensus_body(members=members),
            headers=MDT,
        )
        requested = await published(runtime, SharedCareRequested)
    assert response.json()["errors"][0]["field"] == "members"
    assert requested == []


# ----------------------------------------------------------------------------------------------
# Who proposed and who decided (item 2)


async def test_the_proposing_organisation_and_the_mdts_organisations_are_named(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        approved_id = await given_proposal(client, uuid.uuid4())
        await client.post(
            f"/proposals/{approved_id}/decision", json=given_decision_body(), headers=MDT
        )
        person_id = uuid.uuid4()
        stuck_id = await given_proposal(client, person_id)
        await client.post(
            f"/proposals/{stuck_id}/decision", json=given_no_consensus_body(), headers=MDT
        )
        await deliver(runtime, shared_care_delegates(stuck_id, person_id))
        submitted = await published(runtime, ProposalSubmitted)
        decided = await published(runtime, DelegationDecided)
    assert {e.proposed_by_organisation for e in submitted if isinstance(e, ProposalSubmitted)} == {
        "LPT"
    }
    mdt = sorted([CITY, "LLR-ICB", "LPT"])  # the members' and the recording member's
    assert [
        (e.outcome, e.mdt_organisations) for e in decided if isinstance(e, DelegationDecided)
    ] == [
        ("approved", mdt),
        ("no_consensus", mdt),
        ("approved", mdt),  # Shared Care decided: the MDT stays the same organisations
    ]


def shared_care_delegates(proposal_id: str, person_id: uuid.UUID) -> SharedCareDecisionRecorded:
    return shared_care_decided(proposal_id, person_id)


async def test_the_mdts_organisations_see_the_person_from_the_decision(
    service_client: ServiceClient,
) -> None:
    """The relationships assessment gives from these events let the MDT read the delegation."""
    async with service_client(DELEGATION) as (client, runtime):
        delegation_id = await given_approved(client, uuid.uuid4())
        await given_relationships(runtime)
        read = await client.get(f"/delegations/{delegation_id}", headers=MDT)
    assert read.status_code == 200, read.text
    assert read.json()["mdt_organisations"] == sorted([CITY, "LLR-ICB", "LPT"])


# ----------------------------------------------------------------------------------------------
# No free text on delegation's events


# Every str a published delegation event carries, and why it holds no user's words: codes the
# platform gives (catalogue, rules), organisations' ODS codes (checked against the register), or
# text generated from codes. A new str field fails this test until it is placed here.
STRUCTURED = {
    ("ProposalSubmitted", "task_code"): "catalogue code",
    ("ProposalSubmitted", "provider_organisation"): "ODS code",
    ("ProposalSubmitted", "proposed_by_organisation"): "ODS code",
    ("DelegationDecided", "rule"): "rule id",
    ("DelegationDecided", "mdt_organisations"): "ODS codes",
    ("SharedCareRequested", "task_code"): "catalogue code",
    ("SharedCareRequested", "question"): "generated from question_code and the task",
    ("SharedCareRequested", "positions"): "generated from the stances",
    ("SharedCareRequested", "stances.organisation"): "ODS code",
    ("DelegationAccepted", "task_code"): "catalogue code",
    ("DelegationAccepted", "provider_organisation"): "ODS code",
    ("DelegationDeclined", "provider_organisation"): "ODS code",
    ("DelegationDeclined", "reason"): "the wording of reason_code",
    ("TaskDelegated", "task_code"): "catalogue code",
    ("TaskDelegated", "accountable_organisation"): "ODS code",
    ("TaskDelegated", "provider_organisation"): "ODS code",
    ("TaskDelegated", "local_authority"): "ODS code",
    ("TaskDelegated", "oversight_owner"): "ODS code",
    ("DelegationEnded", "task_code"): "catalogue code",
    ("DelegationEnded", "reason"): "the wording of reason_code",
    ("OversightTransferred", "from_owner"): "ODS code",
    ("OversightTransferred", "to_owner"): "ODS code",
    ("CarePlanReevaluationFlagged", "task_code"): "catalogue code",
    ("HandbackOpened", "task_code"): "catalogue code",
    ("HandbackOpened", "oversight_owner"): "ODS code",
    ("HandbackOpened", "provider_organisation"): "ODS code",
    ("HandbackAcknowledged", "oversight_owner"): "ODS code",
    ("HandbackOverdue", "oversight_owner"): "ODS code",
    ("ChangeNoticed", "task_code"): "catalogue code",
    ("ChangeNoticed", "oversight_owner"): "ODS code",
    ("OversightVisitRecorded", "oversight_owner"): "ODS code",
    ("NamedWorkerAdded", "task_code"): "catalogue code",
    ("NamedWorkerAdded", "provider_organisation"): "ODS code",
    ("NamedWorkerRemoved", "provider_organisation"): "ODS code",
}


def holds_str(annotation: Any) -> bool:
    """A field that can hold a str as such (not a code: a StrEnum is its own type)."""
    if annotation is str:
        return True
    return any(holds_str(arg) for arg in typing.get_args(annotation))


def parts_of(annotation: Any) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        yield annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is not None:
        for arg in typing.get_args(annotation):
            yield from parts_of(arg)


def str_fields(model: type[BaseModel], prefix: str = "") -> Iterator[str]:
    for name, info in model.model_fields.items():
        if holds_str(info.annotation):
            yield prefix + name
        for part in parts_of(info.annotation):
            yield from str_fields(part, f"{prefix}{name}.")


def test_no_published_delegation_event_has_a_field_for_free_text() -> None:
    found = {(kind.__name__, field) for kind in events.PUBLISHED for field in str_fields(kind)}
    assert found == set(STRUCTURED)


def test_the_fields_search_finds_free_text_where_it_is() -> None:
    class Part(BaseModel):
        note: str | None = None

    class Typed(BaseModel):
        person_id: uuid.UUID
        reason: DeclineReason
        notes: list[str]
        parts: list[Part]

    assert sorted(str_fields(Typed)) == ["notes", "parts.note"]
