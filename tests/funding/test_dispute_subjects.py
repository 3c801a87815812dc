"""R22: an outcome in weekly pence adds up to the cost exactly (never re-proportioned); an
apportionment (R19) or a without-prejudice decision (R20) is disputed at the CSU like a joint
package, and funding continues meanwhile (R20)."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import UUID, uuid4

import pytest

from services.funding.domain import disputes, packages
from services.funding.main import SPEC as FUNDING
from shared.clock import MovableClock
from shared.errors import RuleViolation
from shared.events.funding import DisputeRaised, DisputeSettled, DisputeSubject, Settlement, Share
from shared.events.governance import DisputeResolved
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient
from tests.funding.conftest import (
    CITY,
    ICB,
    finance,
    given_dispute_resolved,
    given_package,
    given_rate,
    given_related,
    given_task_delegated,
    statement,
)

START = date(2026, 1, 5)
UNEVEN = [
    Share(organisation=ICB, weekly_pence=30_000),
    Share(organisation=CITY, weekly_pence=20_000),
]


def test_r22_weekly_amounts_that_do_not_make_the_package_cost_are_refused_naming_shares() -> None:
    terms = packages.Terms(
        uuid4(),
        uuid4(),
        uuid4(),
        START,
        70_000,
        (packages.ShareTerm(ICB, percent=60), packages.ShareTerm(CITY, percent=40)),
    )
    outcome = [
        packages.ShareTerm(ICB, weekly_pence=30_000),
        packages.ShareTerm(CITY, weekly_pence=20_000),
    ]
    with pytest.raises(RuleViolation) as refused:
        disputes.settle_outcome([terms], outcome, START, date(2026, 1, 19))
    assert refused.value.rule == "R22"
    assert refused.value.extensions["errors"] == [
        {"field": "shares", "reason": "weekly amounts make 50000 pence, not the 70000 pence a week"}
    ]
    exact = [
        packages.ShareTerm(ICB, weekly_pence=50_000),
        packages.ShareTerm(CITY, weekly_pence=20_000),
    ]
    assert disputes.settle_outcome([terms], exact, START, date(2026, 1, 19)).owed == {
        ICB: 100_000,
        CITY: 40_000,
    }


def test_r22_a_dispute_about_a_delegation_names_one_payer_of_all_its_cost() -> None:
    with pytest.raises(RuleViolation):
        disputes.payer_of(
            [packages.ShareTerm(ICB, percent=50), packages.ShareTerm(CITY, percent=50)], None
        )
    with pytest.raises(RuleViolation):
        disputes.payer_of([packages.ShareTerm(CITY, weekly_pence=3_000)], 3_600)
    assert disputes.payer_of([packages.ShareTerm(CITY, weekly_pence=3_600)], 3_600) == CITY
    with pytest.raises(RuleViolation) as refused:
        disputes.raise_about_delegation(DisputeSubject.WITHOUT_PREJUDICE, False, [ICB], ICB, None)
    assert refused.value.extensions["errors"][0]["field"] == "subject_kind"


async def test_r22_an_outcome_in_weekly_pence_that_does_not_add_up_is_never_re_proportioned(
    service_client: ServiceClient,
) -> None:
    async with service_client(FUNDING, consumer_attempts=1, consumer_backoff_seconds=0) as (
        client,
        runtime,
    ):
        package = await given_package(client)
        raised = await client.post(
            f"/joint-packages/{package['id']}/disputes",
            json={"reason_code": "shares"},
            headers=finance(CITY),
        )
        dispute_id = UUID(raised.json()["id"])
        [event] = await published(runtime, DisputeRaised)
        await deliver(
            runtime, given_dispute_resolved(package, dispute_id, UNEVEN, START, date(2026, 1, 19))
        )
        [parked] = await runtime.inbox.parked()
        settled = await published(runtime, DisputeSettled)
        icb = await statement(client, ICB, "2026-01-05", "2026-01-25")
        await given_related(runtime, package["person_id"], ICB)
        read = await client.get(f"/disputes/{dispute_id}", headers=finance(ICB))
    assert isinstance(event, DisputeRaised)
    assert (event.subject_kind, event.subject_id, event.weekly_cost_pence) == (
        DisputeSubject.JOINT_PACKAGE,
        UUID(package["id"]),
        70_000,
    )
    assert "weekly amounts make 50000 pence, not the 70000" in parked["error"]
    assert settled == []
    assert read.json()["status"] == "open"
    assert icb["pays_pence"] == 42_000 * 3  # still paying its 60%, as agreed
    assert icb["recharges_pence"] == {}


async def test_r22_an_apportionment_is_disputed_at_the_csu_and_its_outcome_settled_back(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    delegated = given_task_delegated(additional_minutes_per_week=90)
    clock.move(timedelta(days=14))
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await given_rate(client, 2400, by=CITY)
        await deliver(runtime, delegated)
        await given_related(runtime, delegated.person_id, ICB, CITY)
        url = f"/delegations/{delegated.delegation_id}/funding/disputes"
        no_decision = await client.post(
            url,
            json={"subject_kind": "without_prejudice", "reason_code": "other"},
            headers=finance(CITY),
        )
        raised = await client.post(
            url,
            json={"subject_kind": "apportionment", "reason_code": "health_need"},
            headers=finance(ICB),
        )
        [event] = await published(runtime, DisputeRaised)
        during = await statement(client, ICB, "2026-01-05", "2026-01-18")
        resolved = DisputeResolved(
            subject_id="dispute-case",
            case_id=uuid4(),
            dispute_id=UUID(raised.json()["id"]),
            package_id=delegated.delegation_id,
            person_id=delegated.person_id,
            shares=[Share(organisation=CITY, percent=100)],
            effective_from=START,
            resolved_on=date(2026, 1, 19),
        )
        await deliver(runtime, resolved)
        [settled] = await published(runtime, DisputeSettled)
        city = await statement(client, CITY, "2026-01-05", "2026-01-25")
    assert no_decision.status_code == 422
    assert no_decision.json()["errors"][0]["field"] == "subject_kind"
    assert raised.status_code == 201, raised.text
    assert isinstance(event, DisputeRaised)
    assert (event.subject_kind, event.subject_id, event.weekly_cost_pence) == (
        DisputeSubject.APPORTIONMENT,
        delegated.delegation_id,
        3_600,
    )
    assert sorted(event.parties) == [CITY, ICB]
    assert during["pays_pence"] == 3_600 * 2  # care and its funding continue meanwhile (R20)
    assert isinstance(settled, DisputeSettled)
    assert settled.subject_kind is DisputeSubject.APPORTIONMENT
    assert settled.settlements == [Settlement(payer=CITY, payee=ICB, amount_pence=7_200)]
    assert city["pays_pence"] == 3_600  # the week from the 19th
    assert city["recharged_by_pence"] == {ICB: 7_200}  # and the two weeks before it


async def test_r11_r22_the_csu_is_told_the_council_may_not_pay_for_a_task_failing_s22(
    service_client: ServiceClient,
) -> None:
    """The CSU can only refuse an outcome naming the council if funding tells it who may not pay."""
    failed = given_task_delegated(additional_minutes_per_week=90, section_22_met=False)
    met = given_task_delegated(additional_minutes_per_week=90, section_22_met=True)
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        for delegated in (failed, met):
            await deliver(runtime, delegated)
            await given_related(runtime, delegated.person_id, ICB, CITY)
            raised = await client.post(
                f"/delegations/{delegated.delegation_id}/funding/disputes",
                json={"subject_kind": "apportionment", "reason_code": "health_need"},
                headers=finance(ICB),
            )
            assert raised.status_code == 201, raised.text
        events = await published(runtime, DisputeRaised)
    told = {e.subject_id: e.may_not_pay for e in events if isinstance(e, DisputeRaised)}
    assert told == {failed.delegation_id: [CITY], met.delegation_id: []}
