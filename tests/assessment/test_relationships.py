"""Assessment decides legitimate relationships: from registering and assessing people and from
the partners' events; each change is kept here and published once (`RelationshipChanged`)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from services.assessment.domain.relationships import Held, ended, grace_after, started
from services.assessment.main import SPEC as ASSESSMENT
from shared.clock import MovableClock
from shared.events.assessment import RelationshipChanged
from shared.events.delegation import (
    DecisionOutcome,
    DelegationDecided,
    DelegationDeclined,
    DelegationEnded,
    OversightTransferred,
    ProposalSubmitted,
    TaskDelegated,
)
from shared.events.funding import (
    DisputeRaised,
    DisputeSettled,
    FundingApportioned,
    JointPackageAgreed,
    JointPackageEnded,
    PackageEndReason,
    Share,
    WithoutPrejudiceSettled,
)
from shared.events.vocabulary import Direction, OversightKind, Setting, TaskCategory
from shared.relationships import relationships
from shared.service import Runtime
from shared.testing.events import deliver, message_for, published
from tests.assessment.conftest import (
    PRACTITIONER,
    given_assessment_body,
    given_mdt_decision,
    given_person,
    given_task_delegated,
)
from tests.conftest import ServiceClient

JAN_5 = datetime(2026, 1, 5, tzinfo=UTC)
GRACE = 28

# The rules, pure.


def test_a_relationship_starts_once_and_a_repeated_start_changes_nothing() -> None:
    assert started(None, JAN_5) == Held(JAN_5)
    assert started(Held(JAN_5), JAN_5) is None
    assert started(Held(JAN_5), datetime(2026, 2, 1, tzinfo=UTC)) is None  # open already


def test_an_ended_relationship_restarts_only_for_a_later_cause() -> None:
    closed = Held(JAN_5, datetime(2026, 3, 1, tzinfo=UTC))
    assert started(closed, JAN_5) is None  # the start told again after the end
    later = datetime(2026, 4, 1, tzinfo=UTC)
    assert started(closed, later) == Held(later)


def test_an_end_applies_once_and_never_lengthens_an_earlier_end() -> None:
    until = datetime(2026, 3, 1, tzinfo=UTC)
    assert ended(None, until) is None
    assert ended(Held(JAN_5), until) == Held(JAN_5, until)
    assert ended(Held(JAN_5, until), until) is None
    assert ended(Held(JAN_5, until), datetime(2026, 4, 1, tzinfo=UTC)) is None
    assert grace_after(date(2026, 3, 1), GRACE) == datetime(2026, 3, 29, tzinfo=UTC)


# Against the service, on PostgreSQL.


async def rows(runtime: Runtime, person_id: str) -> dict[tuple[str, str, str], Any]:
    """(organisation, basis, source) -> (since, until) as assessment keeps them."""
    async with runtime.sessions() as session:
        found = await session.execute(
            select(relationships).where(relationships.c.person_id == uuid.UUID(person_id))
        )
    return {(r.organisation, r.basis, r.source_id): (r.since, r.until) for r in found}


async def changes(runtime: Runtime) -> list[RelationshipChanged]:
    return [
        e
        for e in await published(runtime, RelationshipChanged)
        if isinstance(e, RelationshipChanged)
    ]


async def test_registering_relates_the_registering_organisation_and_the_council(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        held = await rows(runtime, person_id)
        events = await changes(runtime)
    assert set(held) == {
        ("LPT", "registered", person_id),
        ("LEICESTER-CITY-COUNCIL", "local_authority", person_id),
    }
    assert all(until is None for _, until in held.values())
    assert {(e.organisation, e.basis.value, e.source_id, e.until) for e in events} == {
        (org, basis, source, None) for org, basis, source in held
    }


async def test_an_assessment_relates_the_assessing_organisation(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        before = len(await changes(runtime))
        assessed = await client.post(
            f"/people/{person_id}/assessments", json=given_assessment_body(), headers=PRACTITIONER
        )
        held = await rows(runtime, person_id)
        events = (await changes(runtime))[before:]
    assert ("LPT", "assessed", assessed.json()["id"]) in held
    [event] = events
    assert (event.organisation, event.basis, event.source_id) == (
        "LPT",
        "assessed",
        assessed.json()["id"],
    )


def proposal(person_id: str, proposed_by: str | None) -> ProposalSubmitted:
    return ProposalSubmitted(
        person_id=uuid.UUID(person_id),
        proposal_id=uuid.uuid4(),
        task_code="steroid-cream",
        category=TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
        direction=Direction.HEALTH_TO_SOCIAL,
        setting=Setting.OWN_HOME,
        provider_organisation="PROVIDER-HOMECARE-1",
        additional_minutes_per_week=0,
        submitted_on=date(2026, 1, 5),
        proposed_by_organisation=proposed_by,
    )


async def test_the_mdt_is_related_by_a_proposal_and_its_decision_each_once(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        before = len(await changes(runtime))
        proposed = proposal(person_id, "UHL")
        anonymous = proposal(person_id, None)  # an older producer names no organisation
        decided = given_mdt_decision(person_id, "LLR-ICB", "UHL", "LLR-ICB")
        for event in (proposed, anonymous, decided):
            message = message_for(event)
            await runtime.inbox.deliver(message)
            await runtime.inbox.deliver(message)  # redelivered
            await deliver(runtime, event)  # published again under a new event id
        held = await rows(runtime, person_id)
        events = (await changes(runtime))[before:]
    assert {k for k in held if k[1] == "mdt"} == {
        ("UHL", "mdt", str(proposed.proposal_id)),
        ("LLR-ICB", "mdt", str(decided.proposal_id)),
        ("UHL", "mdt", str(decided.proposal_id)),
    }
    # The provider each proposal names reads the person to accept the task (R15).
    assert {k for k in held if k[1] == "provider"} == {
        ("PROVIDER-HOMECARE-1", "provider", str(proposed.proposal_id)),
        ("PROVIDER-HOMECARE-1", "provider", str(anonymous.proposal_id)),
    }
    assert len(events) == 5


async def test_a_refused_proposal_ends_what_it_gave_a_grace_period_after_the_decision(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        proposed = proposal(person_id, "UHL")
        await deliver(runtime, proposed)
        refused = DelegationDecided(
            person_id=uuid.UUID(person_id),
            proposal_id=proposed.proposal_id,
            outcome=DecisionOutcome.REFUSED,
            framework_version=1,
            decided_on=date(2026, 1, 12),
            mdt_organisations=["UHL"],
        )
        await deliver(runtime, refused)
        await deliver(runtime, refused)  # told again: no second end
        held = await rows(runtime, person_id)
    source = str(proposed.proposal_id)
    until = grace_after(date(2026, 1, 12), GRACE)
    assert held[("UHL", "mdt", source)] == (JAN_5, until)
    assert held[("PROVIDER-HOMECARE-1", "provider", source)] == (JAN_5, until)


async def test_a_live_task_relates_provider_oversight_commissioner_and_council_once(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        before = len(await changes(runtime))
        delegated = given_task_delegated(person_id).model_copy(
            update={"oversight_owner": "RT5", "accountable_organisation": "LLR-ICB"}
        )
        await deliver(runtime, delegated, delegated)
        held = await rows(runtime, person_id)
        events = (await changes(runtime))[before:]
    source = str(delegated.delegation_id)
    assert {k: v for k, v in held.items() if k[2] == source} == {
        ("PROVIDER-HOMECARE-1", "provider", source): (JAN_5, None),
        ("RT5", "oversight", source): (JAN_5, None),
        ("LLR-ICB", "commissioner", source): (JAN_5, None),
        ("LEICESTER-CITY-COUNCIL", "local_authority", source): (JAN_5, None),
    }
    assert len(events) == 4


async def test_the_organisation_that_pays_commissions_the_care_r19_r20(
    service_client: ServiceClient,
) -> None:
    """The ICB paying without prejudice (the accountable organisation still undecided), then the
    organisation a funding decision made accountable: each reads the person, once."""
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        delegation_id = uuid.uuid4()
        apportioned = FundingApportioned(
            person_id=uuid.UUID(person_id),
            apportionment_id=uuid.uuid4(),
            delegation_id=delegation_id,
            accountable_organisation="LLR-ICB",
            provider_organisation="PROVIDER-HOMECARE-1",
            additional_minutes_per_week=30,
            hourly_rate_pence=2400,
            weekly_cost_pence=1200,
            effective_from=date(2026, 1, 5),
            without_prejudice=True,
        )
        settled = WithoutPrejudiceSettled(
            person_id=uuid.UUID(person_id),
            delegation_id=delegation_id,
            accountable_organisation="LEICESTER-CITY-COUNCIL",
            start_date=date(2026, 1, 5),
            decided_on=date(2026, 2, 1),
            settlements=[],
        )
        before = len(await changes(runtime))
        await deliver(runtime, apportioned, apportioned, settled, settled)
        held = await rows(runtime, person_id)
        events = (await changes(runtime))[before:]
    source = str(delegation_id)
    assert held[("LLR-ICB", "commissioner", source)] == (JAN_5, None)
    assert held[("LEICESTER-CITY-COUNCIL", "commissioner", source)] == (JAN_5, None)
    assert len(events) == 2


async def test_an_ended_delegation_ends_provider_and_oversight_after_the_grace_period(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        delegated = given_task_delegated(person_id).model_copy(update={"oversight_owner": "RT5"})
        await deliver(runtime, delegated)
        before = len(await changes(runtime))
        ended_event = DelegationEnded(
            person_id=delegated.person_id,
            delegation_id=delegated.delegation_id,
            task_code=delegated.task_code,
            reason="person moved",
            effective_date=date(2026, 3, 1),
        )
        await deliver(runtime, ended_event, ended_event)
        await deliver(runtime, delegated)  # the start told again after the end: no reopening
        held = await rows(runtime, person_id)
        events = (await changes(runtime))[before:]
    source = str(delegated.delegation_id)
    until = datetime(2026, 3, 29, tzinfo=UTC)
    assert held[("PROVIDER-HOMECARE-1", "provider", source)] == (JAN_5, until)
    assert held[("RT5", "oversight", source)] == (JAN_5, until)
    assert held[("LPT", "commissioner", source)] == (JAN_5, None)  # it still funds the care
    assert held[("LEICESTER-CITY-COUNCIL", "local_authority", source)] == (JAN_5, None)
    assert sorted((e.organisation, e.until) for e in events) == [
        ("PROVIDER-HOMECARE-1", until),
        ("RT5", until),
    ]


async def test_oversight_moves_to_the_new_owner_and_the_old_one_keeps_the_grace_period(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        delegated = given_task_delegated(person_id).model_copy(update={"oversight_owner": "RT5"})
        await deliver(runtime, delegated)
        before = len(await changes(runtime))
        transferred = OversightTransferred(
            person_id=delegated.person_id,
            delegation_id=delegated.delegation_id,
            from_kind=OversightKind.COMMUNITY_HEALTH_SERVICES,
            from_owner="RT5",
            to_kind=OversightKind.PRIMARY_CARE,
            to_owner="C82001",
            effective_date=date(2026, 2, 1),
        )
        await deliver(runtime, transferred, transferred)
        held = await rows(runtime, person_id)
        events = (await changes(runtime))[before:]
    source = str(delegated.delegation_id)
    assert held[("RT5", "oversight", source)] == (JAN_5, datetime(2026, 3, 1, tzinfo=UTC))
    assert held[("C82001", "oversight", source)] == (datetime(2026, 2, 1, tzinfo=UTC), None)
    assert len(events) == 2


async def test_a_dispute_relates_its_parties_and_every_csu_in_the_register(
    service_client: ServiceClient,
) -> None:
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        before = len(await changes(runtime))
        dispute = DisputeRaised(
            person_id=uuid.UUID(person_id),
            dispute_id=uuid.uuid4(),
            package_id=uuid.uuid4(),
            raised_by="LLR-ICB",
            parties=["LLR-ICB", "RUTLAND-COUNTY-COUNCIL"],
            summary="s",
            raised_on=date(2026, 2, 2),
        )
        await deliver(runtime, dispute, dispute)
        held = await rows(runtime, person_id)
        events = (await changes(runtime))[before:]
    source, since = str(dispute.dispute_id), datetime(2026, 2, 2, tzinfo=UTC)
    assert {k: v for k, v in held.items() if k[2] == source} == {
        ("LLR-ICB", "commissioner", source): (since, None),
        ("RUTLAND-COUNTY-COUNCIL", "commissioner", source): (since, None),
        ("MLCSU", "csu_case", source): (since, None),  # the one CSU in the test register
    }
    assert len(events) == 3


def package(person_id: str, package_id: uuid.UUID, on: date, *funders: str) -> JointPackageAgreed:
    return JointPackageAgreed(
        person_id=uuid.UUID(person_id),
        package_id=package_id,
        weekly_cost_pence=10_000,
        shares=[Share(organisation=f, percent=100 // len(funders)) for f in funders],
        effective_from=on,
    )


async def test_a_joint_packages_funders_are_related_and_a_funder_dropped_keeps_the_grace(
    service_client: ServiceClient,
) -> None:
    package_id = uuid.uuid4()
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        before = len(await changes(runtime))
        agreed = package(
            person_id, package_id, date(2026, 1, 5), "LLR-ICB", "RUTLAND-COUNTY-COUNCIL"
        )
        changed = package(person_id, package_id, date(2026, 2, 1), "LLR-ICB")
        await deliver(runtime, agreed, agreed, changed, changed)
        held = await rows(runtime, person_id)
        events = (await changes(runtime))[before:]
    source = str(package_id)
    assert held[("LLR-ICB", "commissioner", source)] == (JAN_5, None)
    assert held[("RUTLAND-COUNTY-COUNCIL", "commissioner", source)] == (
        JAN_5,
        datetime(2026, 3, 1, tzinfo=UTC),
    )
    assert len(events) == 3  # two starts, one end


def ended_delegation(delegated: TaskDelegated, proposal_id: uuid.UUID) -> DelegationEnded:
    return DelegationEnded(
        person_id=delegated.person_id,
        delegation_id=delegated.delegation_id,
        task_code=delegated.task_code,
        reason="ended",
        effective_date=date(2026, 3, 1),
        proposal_id=proposal_id,
    )


async def test_an_ended_delegation_also_ends_what_its_proposal_gave_provider_and_mdt(
    service_client: ServiceClient,
) -> None:
    """Issue 14: the provider the proposal named kept reading the person after the delegation
    ended, by the relationship the proposal gave it."""
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        proposed = proposal(person_id, "UHL")
        delegated = given_task_delegated(person_id).model_copy(
            update={"proposal_id": proposed.proposal_id}
        )
        await deliver(runtime, proposed, delegated)
        await deliver(runtime, ended_delegation(delegated, proposed.proposal_id))
        held = await rows(runtime, person_id)
    until = datetime(2026, 3, 29, tzinfo=UTC)
    source = str(proposed.proposal_id)
    assert held[("PROVIDER-HOMECARE-1", "provider", source)] == (JAN_5, until)
    assert held[("UHL", "mdt", source)] == (JAN_5, until)
    assert held[("PROVIDER-HOMECARE-1", "provider", str(delegated.delegation_id))][1] == until


async def test_a_provider_that_declines_sees_the_person_for_the_grace_period_only(
    service_client: ServiceClient,
) -> None:
    """R15 with issue 14: a provider approved and then declining kept the proposal's
    relationship for ever; the oversight owner keeps the task it takes back (R18)."""
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        proposed = proposal(person_id, "UHL")
        delegated = given_task_delegated(person_id).model_copy(
            update={"proposal_id": proposed.proposal_id}
        )
        declined = DelegationDeclined(
            person_id=delegated.person_id,
            delegation_id=delegated.delegation_id,
            provider_organisation=delegated.provider_organisation,
            reason="declined",
            declined_on=date(2026, 2, 1),
            proposal_id=proposed.proposal_id,
        )
        await deliver(runtime, proposed, delegated, declined, declined)
        held = await rows(runtime, person_id)
    until = grace_after(date(2026, 2, 1), GRACE)
    proposal_source, delegation_source = str(proposed.proposal_id), str(delegated.delegation_id)
    assert held[("PROVIDER-HOMECARE-1", "provider", proposal_source)] == (JAN_5, until)
    assert held[("PROVIDER-HOMECARE-1", "provider", delegation_source)] == (JAN_5, until)
    assert held[("UHL", "mdt", proposal_source)] == (JAN_5, until)
    assert held[("LPT", "oversight", delegation_source)] == (JAN_5, None)


async def test_r22_a_settled_dispute_closes_the_csu_case_after_the_grace_period(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    """Issue 14: a CSU's relationship from a dispute never ended."""
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        raised = DisputeRaised(
            person_id=uuid.UUID(person_id),
            dispute_id=uuid.uuid4(),
            package_id=uuid.uuid4(),
            raised_by="LLR-ICB",
            parties=["LLR-ICB", "RUTLAND-COUNTY-COUNCIL"],
            summary="s",
            raised_on=date(2026, 2, 2),
        )
        settled = DisputeSettled(
            person_id=raised.person_id,
            dispute_id=raised.dispute_id,
            package_id=raised.package_id,
            effective_from=date(2026, 2, 2),
            settlements=[],
        )
        await deliver(runtime, raised)
        clock.set(datetime(2026, 4, 10, 9, tzinfo=UTC))
        await deliver(runtime, settled, settled)
        held = await rows(runtime, person_id)
    source, since = str(raised.dispute_id), datetime(2026, 2, 2, tzinfo=UTC)
    until = grace_after(date(2026, 4, 10), GRACE)
    assert {k: v for k, v in held.items() if k[2] == source} == {
        ("LLR-ICB", "commissioner", source): (since, until),
        ("RUTLAND-COUNTY-COUNCIL", "commissioner", source): (since, until),
        ("MLCSU", "csu_case", source): (since, until),
    }


async def test_r21_an_ended_package_ends_its_funders_relationships_after_the_grace_period(
    service_client: ServiceClient,
) -> None:
    package_id = uuid.uuid4()
    async with service_client(ASSESSMENT) as (client, runtime):
        person_id = await given_person(client)
        agreed = package(
            person_id, package_id, date(2026, 1, 5), "LLR-ICB", "RUTLAND-COUNTY-COUNCIL"
        )
        ended_package = JointPackageEnded(
            person_id=uuid.UUID(person_id),
            package_id=package_id,
            ends_on=date(2026, 6, 1),
            reason_code=PackageEndReason.NEEDS_CHANGED,
            parties=["LLR-ICB", "RUTLAND-COUNTY-COUNCIL"],
        )
        await deliver(runtime, agreed, ended_package, ended_package)
        held = await rows(runtime, person_id)
    until = grace_after(date(2026, 6, 1), GRACE)
    source = str(package_id)
    assert held[("LLR-ICB", "commissioner", source)] == (JAN_5, until)
    assert held[("RUTLAND-COUNTY-COUNCIL", "commissioner", source)] == (JAN_5, until)
