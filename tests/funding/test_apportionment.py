"""R19: the cost of additional commissioned time is apportioned to the accountable organisation."""

from __future__ import annotations

from datetime import date, timedelta
from uuid import uuid4

from services.funding.domain import apportionment
from services.funding.main import SPEC as FUNDING
from shared.events.delegation import (
    DelegationEnded,
    DelegationResumed,
    DelegationSuspended,
    ReviewCompleted,
    ReviewOutcome,
    SuspensionReason,
)
from shared.events.funding import FundingApportioned, FundingStopped
from shared.events.vocabulary import Direction, TaskCategory
from shared.testing.events import deliver, message_for, published
from tests.conftest import ServiceClient
from tests.funding.conftest import (
    CITY,
    ICB,
    PROVIDER,
    commissioner,
    finance,
    given_rate,
    given_related,
    given_task_delegated,
    statement,
)

RATE = apportionment.Rate(uuid4(), PROVIDER, 2400, date(2025, 4, 1))
START = date(2026, 1, 5)


def given_funded(minutes: int = 120, until: date | None = None) -> apportionment.Funded:
    return apportionment.Funded(
        uuid4(), uuid4(), uuid4(), ICB, PROVIDER, minutes, START, until, False
    )


def test_r19_a_health_task_delegated_to_social_care_is_paid_by_the_icb() -> None:
    funder = apportionment.funder_of(
        TaskCategory.BLADDER_AND_BOWEL,
        ICB,
        CITY,
        funding_gap=False,
        undecided=frozenset({"UNDECIDED"}),
        health_commissioner=ICB,
    )
    assert funder == apportionment.Funder(ICB, without_prejudice=False)


def test_r19_a_social_care_task_taken_on_by_health_is_paid_by_the_local_authority() -> None:
    funder = apportionment.funder_of(
        TaskCategory.SOCIAL_CARE,
        "UNDECIDED",
        CITY,
        funding_gap=False,
        undecided=frozenset({"UNDECIDED"}),
        health_commissioner=ICB,
    )
    assert funder == apportionment.Funder(CITY, without_prejudice=False)


def test_r19_cost_lines_split_where_the_rate_changes_and_keep_their_sources() -> None:
    rates = [RATE, apportionment.Rate(uuid4(), PROVIDER, 3000, date(2026, 1, 12))]
    lines = apportionment.cost_lines(given_funded(), rates, START, START + timedelta(14))
    assert [
        (ln.hourly_rate_pence, ln.weekly_cost_pence, ln.days, ln.amount_pence) for ln in lines
    ] == [(2400, 4800, 7, 4800), (3000, 6000, 7, 6000)]
    assert lines[0].rate_id == RATE.rate_id
    assert lines[0].minutes_per_week == 120


def test_r19_no_cost_is_counted_after_the_run_ends_or_before_it_starts() -> None:
    funded = given_funded(until=START + timedelta(3))
    lines = apportionment.cost_lines(funded, [RATE], START - timedelta(30), START + timedelta(30))
    assert sum(ln.amount_pence for ln in lines) == 4800 * 3 // 7


def test_r19_days_without_a_rate_are_shown_as_awaiting_one() -> None:
    [line] = apportionment.cost_lines(given_funded(), [], START, START + timedelta(7))
    assert line.awaiting_rate
    assert line.amount_pence == 0


async def test_r19_a_task_that_fits_the_plan_records_a_zero_cost_apportionment(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(additional_minutes_per_week=0)
    async with service_client(FUNDING) as (client, runtime):
        await deliver(runtime, event)
        await given_related(runtime, event.person_id, ICB)
        [apportioned] = await published(runtime, FundingApportioned)
        funding = await client.get(
            f"/delegations/{event.delegation_id}/funding", headers=commissioner()
        )
    assert isinstance(apportioned, FundingApportioned)
    assert apportioned.weekly_cost_pence == 0
    assert apportioned.additional_minutes_per_week == 0
    assert apportioned.accountable_organisation == ICB
    assert funding.json()["segments"][0]["minutes_per_week"] == 0


async def test_r19_additional_minutes_are_apportioned_to_the_accountable_organisation(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(additional_minutes_per_week=90)
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        message = message_for(event)
        await runtime.inbox.deliver(message)
        await runtime.inbox.deliver(message)  # redelivered: no second effect
        apportioned = await published(runtime, FundingApportioned)
        icb = await statement(client, ICB, "2026-01-05", "2026-01-18")
    assert [
        (a.accountable_organisation, a.hourly_rate_pence, a.weekly_cost_pence, a.effective_from)
        for a in apportioned
        if isinstance(a, FundingApportioned)
    ] == [(ICB, 2400, 3600, date(2026, 1, 5))]
    assert icb["pays_pence"] == 7200
    [line] = icb["lines"]
    assert (line["minutes_per_week"], line["hourly_rate_pence"], line["days"]) == (90, 2400, 14)


async def test_r19_a_social_to_health_task_is_apportioned_to_the_local_authority(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(
        additional_minutes_per_week=60,
        category=TaskCategory.SOCIAL_CARE,
        direction=Direction.SOCIAL_TO_HEALTH,
        accountable_organisation=CITY,
        provider_organisation="LPT",
    )
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 3000, provider="LPT", by=CITY)
        await deliver(runtime, event)
        city = await statement(client, CITY, "2026-01-05", "2026-01-11")
        icb = await statement(client, ICB, "2026-01-05", "2026-01-11")
    assert city["pays_pence"] == 3000
    assert icb["pays_pence"] == 0


async def test_r19_changed_minutes_at_review_re_apportion_from_its_effective_date(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(additional_minutes_per_week=60)
    review = ReviewCompleted(
        person_id=event.person_id,
        delegation_id=event.delegation_id,
        review_id=uuid4(),
        outcome=ReviewOutcome.CHANGE_MINUTES,
        additional_minutes_per_week=120,
        effective_date=date(2026, 1, 12),
    )
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, event, review)
        apportioned = await published(runtime, FundingApportioned)
        icb = await statement(client, ICB, "2026-01-05", "2026-01-18")
    assert [
        (a.weekly_cost_pence, a.effective_from)
        for a in apportioned
        if isinstance(a, FundingApportioned)
    ] == [(2400, date(2026, 1, 5)), (4800, date(2026, 1, 12))]
    assert icb["pays_pence"] == 2400 + 4800


async def test_r19_suspension_stops_the_cost_and_resumption_restarts_it(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(additional_minutes_per_week=60)
    suspended = DelegationSuspended(
        person_id=event.person_id,
        delegation_id=event.delegation_id,
        reason=SuspensionReason.CONSENT_WITHDRAWN,
        effective_date=date(2026, 1, 12),
    )
    resumed = DelegationResumed(
        person_id=event.person_id,
        delegation_id=event.delegation_id,
        effective_date=date(2026, 1, 19),
    )
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, event, suspended, suspended, resumed)
        stopped = await published(runtime, FundingStopped)
        icb = await statement(client, ICB, "2026-01-05", "2026-01-25")
    assert [(s.effective_from, s.reason) for s in stopped if isinstance(s, FundingStopped)] == [
        (date(2026, 1, 12), "suspended: consent_withdrawn")
    ]
    assert icb["pays_pence"] == 2400 * 2  # the suspended week costs nothing


async def test_r19_an_ended_delegation_costs_nothing_from_its_end_date(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(additional_minutes_per_week=60)
    ended = DelegationEnded(
        person_id=event.person_id,
        delegation_id=event.delegation_id,
        task_code="TOPICAL-CREAM",
        reason="need met",
        effective_date=date(2026, 1, 15),
    )
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, event, ended)
        stopped = await published(runtime, FundingStopped)
        icb = await statement(client, ICB, "2026-01-01", "2026-03-31")
    assert len(stopped) == 1
    assert icb["pays_pence"] == 2400 * 10 // 7


async def test_r19_minutes_changed_while_suspended_are_funded_from_the_resumption(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(additional_minutes_per_week=60)
    ids = {"person_id": event.person_id, "delegation_id": event.delegation_id}
    suspended = DelegationSuspended(
        **ids, reason=SuspensionReason.NO_COMPETENT_WORKER, effective_date=date(2026, 1, 12)
    )
    review = ReviewCompleted(
        **ids,
        review_id=uuid4(),
        outcome=ReviewOutcome.CHANGE_MINUTES,
        additional_minutes_per_week=30,
        effective_date=date(2026, 1, 14),
    )
    resumed = DelegationResumed(**ids, effective_date=date(2026, 1, 19))
    async with service_client(FUNDING) as (client, runtime):
        await given_rate(client, 2400)
        await deliver(runtime, event, suspended, review, resumed)
        icb = await statement(client, ICB, "2026-01-05", "2026-01-25")
    assert [(ln["minutes_per_week"], ln["amount_pence"]) for ln in icb["lines"]] == [
        (60, 2400),
        (30, 1200),
    ]


async def test_r19_only_the_organisations_concerned_see_a_delegations_funding(
    service_client: ServiceClient,
) -> None:
    event = given_task_delegated(
        additional_minutes_per_week=60,
        category=TaskCategory.SOCIAL_CARE,
        direction=Direction.SOCIAL_TO_HEALTH,
        accountable_organisation=CITY,
        provider_organisation="LPT",
    )
    url = f"/delegations/{event.delegation_id}/funding"
    async with service_client(FUNDING) as (client, runtime):
        await deliver(runtime, event)
        await given_related(runtime, event.person_id, CITY, ICB)
        city = await client.get(url, headers=finance(CITY))
        icb = await client.get(url, headers=commissioner(ICB))
    assert city.status_code == 200
    assert city.json()["payer"] == CITY
    assert icb.status_code == 404
