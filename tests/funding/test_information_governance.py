"""Information governance in funding: every write checks that the caller's organisation may act
on that object, person-bearing reads need a legitimate relationship and are audited, events carry
codes and fixed words only, and no date a request can carry gives a 5xx."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from httpx import AsyncClient
from sqlalchemy import select

from services.funding.main import SPEC as FUNDING
from shared.audit import audit_log
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.delegation import DelegationEnded, TaskDelegated
from shared.events.funding import (
    DisputeRaised,
    DisputeReason,
    FundingApportioned,
    FundingStopped,
    FundingStopReason,
    Share,
    WithoutPrejudiceSettled,
)
from shared.events.vocabulary import RelationshipBasis
from shared.outbox import outbox
from shared.relationships import relationship
from shared.service import Runtime
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient, bearer
from tests.funding.conftest import (
    CITY,
    ICB,
    PROVIDER,
    commissioner,
    finance,
    given_dispute_resolved,
    given_package,
    given_rate,
    given_related,
    given_task_delegated,
    statement,
)

RUTLAND = "RUTLAND-COUNTY-COUNCIL"
CARE_PROVIDER = "PROVIDER-OTHER"  # in the register, but a care provider: it commissions nothing
# Free text a user might type, with what could identify a person: it must never reach the bus.
IDENTIFYING = "Mrs Jane Example, NHS 943 476 5919, 12 High Street LE1 1AA"


async def post_rate(
    client: AsyncClient, headers: dict[str, str], pence: int = 2400, **body: Any
) -> Any:
    return await client.post(
        "/rates",
        json={
            "provider_organisation": PROVIDER,
            "hourly_rate_pence": pence,
            "effective_from": "2026-01-01",
        }
        | body,
        headers=headers,
    )


async def reads_audited(runtime: Runtime, record: str) -> list[tuple[str, str, str | None]]:
    """(organisation, person, purpose) of every audited read of `record`."""
    async with runtime.sessions() as session:
        rows = await session.execute(
            select(audit_log.c.organisation, audit_log.c.person_id, audit_log.c.purpose)
            .where(audit_log.c.action == f"read.{record}")
            .order_by(audit_log.c.id)
        )
        return [(o, p, why) for o, p, why in rows]


async def outbox_payloads(runtime: Runtime) -> list[str]:
    async with runtime.sessions() as session:
        return [str(p) for p in (await session.scalars(select(outbox.c.payload))).all()]


# Rates: only by a commissioning organisation, each commissioner's its own.


async def test_rates_are_set_only_by_a_commissioning_organisation_and_never_block_its_rate(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING) as (client, _):
        by_provider = await post_rate(client, finance(CARE_PROVIDER), 9999)
        by_trust = await post_rate(client, finance("UHL"), 9999)
        genuine = await post_rate(client, finance(ICB), 2400)
    assert (by_provider.status_code, by_trust.status_code) == (403, 403)
    assert genuine.status_code == 201, genuine.text
    assert genuine.json()["commissioner"] == ICB


async def test_one_commissioners_rate_never_blocks_anothers_and_each_pays_at_its_own(
    service_client: ServiceClient,
) -> None:
    icb_task = given_task_delegated(additional_minutes_per_week=60)
    city_task = given_task_delegated(additional_minutes_per_week=60, accountable_organisation=CITY)
    async with service_client(FUNDING) as (client, runtime):
        city_rate = await post_rate(client, commissioner(CITY), 3000)
        icb_rate = await post_rate(client, commissioner(ICB), 2400)
        await deliver(runtime, icb_task, city_task)
        icb = await statement(client, ICB, "2026-01-05", "2026-01-11")
        city = await statement(client, CITY, "2026-01-05", "2026-01-11")
        city_sees = await client.get("/rates", headers=finance(CITY))
        provider_sees = await client.get("/rates", headers=bearer(Role.PROVIDER_MANAGER, PROVIDER))
    assert (city_rate.status_code, icb_rate.status_code) == (201, 201)
    assert [ln["hourly_rate_pence"] for ln in icb["lines"]] == [2400]
    assert [ln["hourly_rate_pence"] for ln in city["lines"]] == [3000]
    assert [(r["commissioner"], r["hourly_rate_pence"]) for r in city_sees.json()["items"]] == [
        (CITY, 3000)
    ]
    assert sorted(r["commissioner"] for r in provider_sees.json()["items"]) == sorted([ICB, CITY])


async def test_a_rate_names_a_provider_in_the_register(service_client: ServiceClient) -> None:
    async with service_client(FUNDING) as (client, _):
        unknown = await post_rate(client, commissioner(), provider_organisation="NOT-A-PARTNER-LTD")
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["field"] == "provider_organisation"


# Funding gaps: only the accountable commissioner's word counts, for the delegation's person.


async def declare_gap(
    client: AsyncClient, event: TaskDelegated, by: str, person_id: UUID | None = None
) -> Any:
    return await client.post(
        "/funding-gaps",
        json={
            "delegation_id": str(event.delegation_id),
            "person_id": str(person_id or event.person_id),
            "reason": IDENTIFYING,
        },
        headers=commissioner(by),
    )


async def test_r20_a_gap_counts_only_from_the_accountable_commissioner_for_its_person(
    service_client: ServiceClient,
) -> None:
    by_stranger, wrong_person, genuine = (
        given_task_delegated(additional_minutes_per_week=60, accountable_organisation=CITY)
        for _ in range(3)
    )
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await given_rate(client, 2400, by=CITY)
        stranger = await declare_gap(client, by_stranger, RUTLAND)
        mistaken = await declare_gap(client, wrong_person, CITY, person_id=uuid4())
        first = await declare_gap(client, genuine, RUTLAND)  # said first, by another
        own = await declare_gap(client, genuine, CITY)
        await deliver(runtime, by_stranger, wrong_person, genuine)
        apportioned = await published(runtime, FundingApportioned)
    assert [r.status_code for r in (stranger, mistaken, first, own)] == [201, 201, 201, 201]
    payers = {
        a.delegation_id: (a.accountable_organisation, a.without_prejudice)
        for a in apportioned
        if isinstance(a, FundingApportioned)
    }
    assert payers == {
        by_stranger.delegation_id: (CITY, False),
        wrong_person.delegation_id: (CITY, False),
        genuine.delegation_id: (ICB, True),  # Health funds it without prejudice (R20)
    }


async def test_r20_a_live_delegations_gap_is_checked_against_its_commissioner_and_person(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(additional_minutes_per_week=60, accountable_organisation=CITY)
    async with service_client(FUNDING) as (client, runtime):
        await deliver(runtime, event)
        stranger = await declare_gap(client, event, RUTLAND)
        mistaken = await declare_gap(client, event, CITY, person_id=uuid4())
        accountable = await declare_gap(client, event, CITY)
        not_commissioning = await client.post(
            "/funding-gaps",
            json={
                "delegation_id": str(uuid4()),
                "person_id": str(uuid4()),
                "reason": "no decision",
            },
            headers=bearer(Role.COMMISSIONER, CARE_PROVIDER),
        )
    assert stranger.status_code == 404
    assert mistaken.status_code == 422
    assert mistaken.json()["errors"][0]["field"] == "person_id"
    assert accountable.status_code == 409  # funding was apportioned when it went live (R20)
    assert not_commissioning.status_code == 403


async def test_r20_a_funding_decision_names_a_commissioning_organisation_in_the_register(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    event = given_task_delegated(
        additional_minutes_per_week=60, accountable_organisation="UNDECIDED"
    )
    clock.move(timedelta(days=30))
    url = f"/delegations/{event.delegation_id}/funding-decision"
    async with service_client(FUNDING) as (client, runtime):
        await deliver(runtime, event)
        await given_related(runtime, event.person_id, ICB)
        refusals = [
            await client.post(
                url,
                json={"accountable_organisation": named, "decided_on": "2026-01-19"},
                headers=commissioner(ICB),
            )
            for named in ("NOT-A-PARTNER", CARE_PROVIDER)
        ]
        settled = await published(runtime, WithoutPrejudiceSettled)
    for refused in refusals:
        assert refused.status_code == 422
        assert refused.json()["errors"][0]["field"] == "accountable_organisation"
    assert settled == []


# Events: codes and fixed words; the free text stays in funding's own tables.


async def test_r22_a_dispute_is_published_with_its_reason_code_and_never_the_partys_note(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        package = await given_package(client)
        raised = await client.post(
            f"/joint-packages/{package['id']}/disputes",
            json={"reason_code": "health_need", "note": IDENTIFYING},
            headers=finance(CITY),
        )
        [event] = await published(runtime, DisputeRaised)
        payloads = await outbox_payloads(runtime)
        await given_related(runtime, package["person_id"], CITY)
        read = await client.get(f"/disputes/{raised.json()['id']}", headers=finance(CITY))
    assert raised.status_code == 201, raised.text
    assert isinstance(event, DisputeRaised)
    assert event.reason_code is DisputeReason.HEALTH_NEED
    assert event.summary == "a party disputes how much of the need is a health need"
    assert not [p for p in payloads if "NHS 943" in p or "High Street" in p]
    assert (read.json()["reason_code"], read.json()["note"]) == ("health_need", IDENTIFYING)


async def test_r19_a_delegations_end_reason_stays_in_funding_and_the_event_says_ended(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(additional_minutes_per_week=60)
    ended = DelegationEnded(
        person_id=event.person_id,
        delegation_id=event.delegation_id,
        task_code=event.task_code,
        reason=IDENTIFYING,
        effective_date=date(2026, 1, 12),
    )
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, event, ended)
        [stopped] = await published(runtime, FundingStopped)
        payloads = await outbox_payloads(runtime)
        async with runtime.sessions() as session:
            kept = await session.scalar(
                select(audit_log.c.reason).where(audit_log.c.action == "apportionment.stop")
            )
    assert isinstance(stopped, FundingStopped)
    assert (stopped.reason, stopped.reason_code) == ("ended", FundingStopReason.ENDED)
    assert not [p for p in payloads if "NHS 943" in p or "High Street" in p]
    assert kept == f"ended: {IDENTIFYING}"


# Dates: no 5xx for any date the schema admits.


@pytest.mark.parametrize(
    ("start", "end", "field"),
    [
        ("0001-01-01", "9999-12-31", "query.period_start"),
        ("2026-01-01", "9999-12-31", "query.period_end"),
        ("1899-12-31", "1900-01-31", "query.period_start"),
        ("2020-01-01", "2026-01-01", "query.period_end"),  # more than three years
    ],
)
async def test_a_statement_period_is_plausible_and_at_most_three_years(
    service_client: ServiceClient, start: str, end: str, field: str
) -> None:
    async with service_client(FUNDING) as (client, _):
        responses = [
            await client.get(
                path, params={"period_start": start, "period_end": end}, headers=finance()
            )
            for path in ("/statements", "/statements.csv")
        ]
    for response in responses:
        assert response.status_code == 422, response.text
        assert response.json()["errors"][0]["field"] == field


async def test_dates_in_bodies_are_plausible_years_and_never_a_5xx(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING) as (client, _):
        far_rate = await post_rate(client, commissioner(), effective_from="9999-12-31")
        old_rate = await post_rate(client, commissioner(), effective_from="0001-01-01")
        package = await client.post(
            "/joint-packages",
            json={
                "person_id": str(uuid4()),
                "setting": "own_home",
                "weekly_cost_pence": 100,
                "shares": [
                    {"organisation": ICB, "percent": 50},
                    {"organisation": CITY, "percent": 50},
                ],
                "effective_from": "9999-12-31",
            },
            headers=commissioner(),
        )
        widest = await client.get(
            "/statements",
            params={"period_start": "2100-01-01", "period_end": "2100-12-31"},
            headers=finance(),
        )
    for refused in (far_rate, old_rate, package):
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == "effective_from"
    assert widest.status_code == 200


# Reads: a legitimate relationship, and every read audited.


async def test_a_delegations_funding_is_read_only_within_a_relationship_and_audited(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(additional_minutes_per_week=60)
    url = f"/delegations/{event.delegation_id}/funding"
    async with service_client(FUNDING) as (client, runtime):
        await deliver(runtime, event)
        without = await client.get(url, headers=commissioner(ICB))
        await given_related(runtime, event.person_id, ICB)
        within = await client.get(url, headers=commissioner(ICB))
        audited = await reads_audited(runtime, "delegation_funding")
    assert without.status_code == 404
    assert within.status_code == 200
    assert audited == [(ICB, str(event.person_id), "direct_care")]


async def test_a_relationship_that_has_ended_no_longer_shows_the_funding(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    event = given_task_delegated(additional_minutes_per_week=60)
    url = f"/delegations/{event.delegation_id}/funding"
    since = datetime(2025, 1, 1, tzinfo=UTC)
    async with service_client(FUNDING) as (client, runtime):
        await deliver(runtime, event)
        ended = relationship(
            event.person_id,
            ICB,
            RelationshipBasis.COMMISSIONER,
            event.delegation_id,
            since,
            until=clock.now() - timedelta(days=1),
        )
        await deliver(runtime, ended)
        after = await client.get(url, headers=commissioner(ICB))
    assert after.status_code == 404


async def test_a_funding_decision_needs_a_relationship_with_the_person(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    event = given_task_delegated(
        additional_minutes_per_week=60, accountable_organisation="UNDECIDED"
    )
    clock.move(timedelta(days=30))
    body = {"accountable_organisation": CITY, "decided_on": "2026-01-19"}
    url = f"/delegations/{event.delegation_id}/funding-decision"
    async with service_client(FUNDING) as (client, runtime):
        await deliver(runtime, event)
        unrelated = await client.post(url, json=body, headers=commissioner(CITY))
        nothing = await published(runtime, WithoutPrejudiceSettled)
        await given_related(runtime, event.person_id, CITY)
        related = await client.post(url, json=body, headers=commissioner(CITY))
    assert unrelated.status_code == 404
    assert nothing == []
    assert related.status_code == 200, related.text


async def test_packages_and_disputes_are_read_only_within_a_relationship_and_audited(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING) as (client, runtime):
        mine = await given_package(client)
        theirs = await given_package(client)
        for package in (mine, theirs):  # disputes the CSU resolved
            package["dispute"] = str(uuid4())
            halves = [Share(organisation=ICB, percent=50), Share(organisation=CITY, percent=50)]
            resolved = given_dispute_resolved(
                package, UUID(package["dispute"]), halves, date(2026, 1, 5), date(2026, 1, 19)
            )
            await deliver(runtime, resolved)
        await given_related(runtime, mine["person_id"], CITY)
        await given_related(runtime, mine["person_id"], "MLCSU", basis=RelationshipBasis.CSU_CASE)
        own_package = await client.get(f"/joint-packages/{mine['id']}", headers=finance(CITY))
        other_package = await client.get(f"/joint-packages/{theirs['id']}", headers=finance(CITY))
        listed = await client.get("/disputes", headers=finance(CITY))
        csu_listed = await client.get("/disputes", headers=bearer(Role.CSU_OFFICER, "MLCSU"))
        other_dispute = await client.get(f"/disputes/{theirs['dispute']}", headers=finance(CITY))
        package_reads = await reads_audited(runtime, "joint_package")
        dispute_reads = await reads_audited(runtime, "funding_dispute")
    assert (own_package.status_code, other_package.status_code) == (200, 404)
    assert [d["id"] for d in listed.json()["items"]] == [mine["dispute"]]
    assert [d["id"] for d in csu_listed.json()["items"]] == [mine["dispute"]]
    assert other_dispute.status_code == 404
    assert package_reads == [(CITY, mine["person_id"], "direct_care")]
    assert dispute_reads == [
        (CITY, mine["person_id"], "direct_care"),
        ("MLCSU", mine["person_id"], "direct_care"),
    ]


async def test_a_statement_shows_the_organisations_own_lines_and_audits_whom_they_are_about(
    service_client: ServiceClient,
) -> None:
    icb_task = given_task_delegated(additional_minutes_per_week=60)
    city_task = given_task_delegated(additional_minutes_per_week=60, accountable_organisation=CITY)
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await given_rate(client, 2400, by=CITY)
        await deliver(runtime, icb_task, city_task)
        icb = await statement(client, ICB, "2026-01-05", "2026-01-11")
        audited = await reads_audited(runtime, "funding_statement")
    assert {ln["person_id"] for ln in icb["lines"]} == {str(icb_task.person_id)}
    assert audited == [(ICB, str(icb_task.person_id), "direct_care")]
