"""R29: every funding decision and every dispute settlement records the Framework version in
force on its date, from the versions governance publishes."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

from services.funding.main import SPEC as FUNDING
from services.funding.queries.versions import framework_version_in_force
from shared.clock import MovableClock
from shared.events.funding import DisputeSettled, Share, WithoutPrejudiceSettled
from shared.events.governance import FrameworkVersionPublished
from shared.events.vocabulary import RelationshipBasis
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient
from tests.funding.conftest import (
    CITY,
    ICB,
    commissioner,
    finance,
    given_dispute_resolved,
    given_package,
    given_rate,
    given_related,
    given_task_delegated,
)

VERSION_2 = FrameworkVersionPublished(
    subject_id="framework-version-2",
    version=2,
    effective_from=date(2026, 1, 15),
    summary="version 2",
)

LOCAL_AUTHORITY = RelationshipBasis.LOCAL_AUTHORITY


async def test_r29_version_1_is_in_force_from_october_2022_and_published_versions_follow(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING) as (_, runtime):
        await deliver(runtime, VERSION_2, VERSION_2)  # the same version said twice
        async with runtime.sessions() as session:
            found = [
                await framework_version_in_force(session, on)
                for on in (
                    date(2022, 9, 30),
                    date(2022, 10, 1),
                    date(2026, 1, 14),
                    date(2026, 1, 15),
                )
            ]
    assert found == [None, 1, 1, 2]


async def test_r29_a_funding_decision_records_the_version_in_force_on_its_date(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    before, after = (
        given_task_delegated(additional_minutes_per_week=60, accountable_organisation="UNDECIDED")
        for _ in range(2)
    )
    clock.move(timedelta(days=30))
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, VERSION_2, before, after)
        for delegated in (before, after):
            await given_related(
                runtime, delegated.person_id, CITY, basis=RelationshipBasis.LOCAL_AUTHORITY
            )
        for delegated, on in ((before, "2026-01-12"), (after, "2026-01-19")):
            response = await client.post(
                f"/delegations/{delegated.delegation_id}/funding-decision",
                json={"accountable_organisation": CITY, "decided_on": on},
                headers=commissioner(CITY),
            )
            assert response.status_code == 200, response.text
        settled = await published(runtime, WithoutPrejudiceSettled)
        funding = await client.get(
            f"/delegations/{after.delegation_id}/funding", headers=commissioner(CITY)
        )
    assert [s.framework_version for s in settled if isinstance(s, WithoutPrejudiceSettled)] == [
        1,
        2,
    ]
    assert funding.json()["framework_version"] == 2
    assert [s["framework_version"] for s in funding.json()["settlements"]] == [2]


async def test_r29_a_dispute_settlement_records_the_version_in_force_when_resolved(
    service_client: ServiceClient,
) -> None:
    dispute_id = uuid4()
    halves = [Share(organisation=ICB, percent=50), Share(organisation=CITY, percent=50)]
    async with service_client(FUNDING) as (client, runtime):
        package = await given_package(client)
        await deliver(runtime, VERSION_2)
        await deliver(
            runtime,
            given_dispute_resolved(
                package, dispute_id, halves, date(2026, 1, 5), date(2026, 1, 19)
            ),
        )
        [settled] = await published(runtime, DisputeSettled)
        await given_related(runtime, package["person_id"], CITY)
        dispute = await client.get(f"/disputes/{dispute_id}", headers=finance(CITY))
    assert isinstance(settled, DisputeSettled)
    assert settled.framework_version == 2
    assert settled.settlements  # days already paid at 60/40 are settled back to halves
    assert dispute.json()["framework_version"] == 2
