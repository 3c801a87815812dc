"""R18, R20: when social care stops carrying out a delegated health task, the apportionment to
the accountable organisation stops from the stop date and Health covers the task without
prejudice until it resumes, is delegated again, or a funding decision settles it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from uuid import UUID, uuid4

import pytest
from httpx import AsyncClient

from services.funding.domain import covers
from services.funding.domain.apportionment import ApportionmentCommand
from services.funding.domain.covers import CoverState
from services.funding.main import SPEC as FUNDING
from shared.clock import MovableClock
from shared.events import Event
from shared.events.delegation import (
    DelegationResumed,
    DelegationSuspended,
    HandbackClosed,
    HandbackClosure,
    HandbackOpened,
    StopReason,
    SuspensionReason,
    TaskDelegated,
)
from shared.events.funding import FundingApportioned, FundingStopped, WithoutPrejudiceSettled
from shared.events.vocabulary import Direction, OversightKind, TaskCategory
from shared.testing.events import deliver, message_for, published
from shared.testing.races import assert_one_winner, race
from tests.conftest import ServiceClient
from tests.funding.conftest import (
    CITY,
    ICB,
    PROVIDER,
    commissioner,
    given_rate,
    given_related,
    given_task_delegated,
    statement,
)

OWNER = "C82001"  # the GP practice that oversees the task and delivers Health's cover
STOP, RESUME = date(2026, 1, 12), date(2026, 1, 19)


def given_handback(
    delegated: TaskDelegated,
    reason: StopReason = StopReason.CONSENT_WITHDRAWN,
    stopped_on: date = STOP,
) -> HandbackOpened:
    return HandbackOpened(
        person_id=delegated.person_id,
        handback_id=uuid4(),
        delegation_id=delegated.delegation_id,
        task_code=delegated.task_code,
        direction=delegated.direction,
        oversight_kind=OversightKind.PRIMARY_CARE,
        oversight_owner=OWNER,
        provider_organisation=delegated.provider_organisation,
        reason=reason,
        stopped_on=stopped_on,
        acknowledge_by=stopped_on + timedelta(days=1),
    )


def given_closed(
    handback: HandbackOpened, closure: HandbackClosure, on: date = RESUME
) -> HandbackClosed:
    return HandbackClosed(
        person_id=handback.person_id,
        handback_id=handback.handback_id,
        delegation_id=handback.delegation_id,
        closure=closure,
        closed_on=on,
    )


def given_suspended(delegated: TaskDelegated, on: date = STOP) -> DelegationSuspended:
    return DelegationSuspended(
        person_id=delegated.person_id,
        delegation_id=delegated.delegation_id,
        reason=SuspensionReason.CONSENT_WITHDRAWN,
        effective_date=on,
    )


def given_resumed(delegated: TaskDelegated, on: date = RESUME) -> DelegationResumed:
    return DelegationResumed(
        person_id=delegated.person_id, delegation_id=delegated.delegation_id, effective_date=on
    )


async def funding_of(client: AsyncClient, delegation_id: UUID) -> dict[str, Any]:
    response = await client.get(f"/delegations/{delegation_id}/funding", headers=commissioner())
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def apportioned(events: list[Event]) -> list[tuple[str, str, bool, date]]:
    return [
        (e.accountable_organisation, e.provider_organisation, e.without_prejudice, e.effective_from)
        for e in events
        if isinstance(e, FundingApportioned)
    ]


def test_r18_only_a_health_task_delegated_to_social_care_is_covered_by_health() -> None:
    assert covers.health_covers(Direction.HEALTH_TO_SOCIAL)
    assert not covers.health_covers(Direction.SOCIAL_TO_HEALTH)


def test_r20_an_ended_task_ends_the_apportionment_and_any_other_stop_suspends_it() -> None:
    assert covers.stop_command(StopReason.ENDED) is ApportionmentCommand.END
    for reason in set(StopReason) - {StopReason.ENDED}:
        assert covers.stop_command(reason) is ApportionmentCommand.SUSPEND


def test_r20_a_cover_closes_once_and_never_ends_before_it_began() -> None:
    assert covers.close(CoverState.COVERING) is CoverState.CLOSED
    assert covers.close(CoverState.CLOSED) is None
    assert covers.covered_until(date(2026, 1, 10), STOP) == STOP


async def test_r20_a_handback_stops_the_apportionment_and_health_covers_from_the_stop_date(
    service_client: ServiceClient,
) -> None:
    delegated = given_task_delegated(additional_minutes_per_week=60)
    handback = given_handback(delegated)
    async with service_client(FUNDING) as (client, runtime):
        await given_related(runtime, delegated.person_id, ICB, CITY)
        await given_rate(client, 2400)
        await given_rate(client, 3000, provider=OWNER)
        await deliver(runtime, delegated, handback)
        stopped = await published(runtime, FundingStopped)
        events = await published(runtime, FundingApportioned)
        funding = await funding_of(client, delegated.delegation_id)
        icb = await statement(client, ICB, "2026-01-05", "2026-01-18")
    assert [(s.effective_from, s.reason) for s in stopped if isinstance(s, FundingStopped)] == [
        (STOP, "handed_back: consent_withdrawn")
    ]
    assert apportioned(events) == [
        (ICB, PROVIDER, False, date(2026, 1, 5)),
        (ICB, OWNER, True, STOP),
    ]
    [cover] = funding["covers"]
    assert (cover["handback_id"], cover["state"], cover["funding"]) == (
        str(handback.handback_id),
        "covering",
        "without_prejudice",
    )
    assert (cover["payer"], cover["stopped_on"], cover["oversight_owner"]) == (
        ICB,
        "2026-01-12",
        OWNER,
    )
    assert funding["status"] == "suspended"
    assert [
        (ln["provider_organisation"], ln["without_prejudice"], ln["amount_pence"])
        for ln in icb["lines"]
    ] == [
        (PROVIDER, False, 2400),  # the provider's week, 5-11 January
        (OWNER, True, 3000),  # Health's cover, 12-18 January, at the oversight owner's rate
    ]


async def test_r20_a_redelivered_handback_has_no_second_effect(
    service_client: ServiceClient,
) -> None:
    delegated = given_task_delegated(additional_minutes_per_week=60)
    handback = given_handback(delegated)
    message = message_for(handback)
    async with service_client(FUNDING) as (client, runtime):
        await given_related(runtime, delegated.person_id, ICB, CITY)
        await given_rate(client, 2400)
        await deliver(runtime, delegated)
        await runtime.inbox.deliver(message)
        await runtime.inbox.deliver(message)  # the same record again
        await deliver(runtime, handback)  # the same handback under a new event id
        stopped = await published(runtime, FundingStopped)
        funding = await funding_of(client, delegated.delegation_id)
    assert len(stopped) == 1
    assert len(funding["covers"]) == 1
    assert len([s for s in funding["segments"] if s["cover_id"]]) == 1


@pytest.mark.parametrize(
    "suspension_first", [True, False], ids=["suspended-first", "handback-first"]
)
async def test_r20_a_suspension_and_its_handback_stop_the_apportionment_once_in_either_order(
    service_client: ServiceClient, suspension_first: bool
) -> None:
    delegated = given_task_delegated(additional_minutes_per_week=60)
    handback, suspended = given_handback(delegated), given_suspended(delegated)
    stops = (suspended, handback) if suspension_first else (handback, suspended)
    async with service_client(FUNDING) as (client, runtime):
        await given_related(runtime, delegated.person_id, ICB, CITY)
        await given_rate(client, 2400)
        await deliver(runtime, delegated, *stops, *stops)
        stopped = await published(runtime, FundingStopped)
        funding = await funding_of(client, delegated.delegation_id)
    assert len(stopped) == 1
    assert funding["status"] == "suspended"
    assert len(funding["covers"]) == 1
    own = [s for s in funding["segments"] if s["cover_id"] is None]
    assert [(s["effective_from"], s["effective_to"]) for s in own] == [("2026-01-05", "2026-01-12")]


@pytest.mark.parametrize("closure_first", [True, False], ids=["closed-first", "resumed-first"])
async def test_r20_the_cover_ends_the_day_before_the_task_resumes_and_the_cost_restarts_once(
    service_client: ServiceClient, closure_first: bool
) -> None:
    delegated = given_task_delegated(additional_minutes_per_week=60)
    handback = given_handback(delegated)
    closed, resumed = given_closed(handback, HandbackClosure.RESUMED), given_resumed(delegated)
    resumptions = (closed, resumed) if closure_first else (resumed, closed)
    async with service_client(FUNDING) as (client, runtime):
        await given_related(runtime, delegated.person_id, ICB, CITY)
        await given_rate(client, 2400)
        await given_rate(client, 3000, provider=OWNER)
        await deliver(runtime, delegated, handback, *resumptions, *resumptions)
        events = await published(runtime, FundingApportioned)
        funding = await funding_of(client, delegated.delegation_id)
        icb = await statement(client, ICB, "2026-01-05", "2026-01-25")
    assert apportioned(events) == [
        (ICB, PROVIDER, False, date(2026, 1, 5)),
        (ICB, OWNER, True, STOP),
        (ICB, PROVIDER, False, RESUME),
    ]
    [cover] = funding["covers"]
    assert (cover["state"], cover["closure"], cover["closed_on"]) == (
        "closed",
        "resumed",
        "2026-01-19",
    )
    assert funding["status"] == "live"
    assert [(ln["line_from"], ln["line_until"], ln["amount_pence"]) for ln in icb["lines"]] == [
        ("2026-01-05", "2026-01-12", 2400),
        ("2026-01-12", "2026-01-19", 3000),  # the last day covered is 18 January
        ("2026-01-19", "2026-01-26", 2400),
    ]


async def test_r20_a_task_delegated_again_ends_the_cover_and_the_old_apportionment_stays_stopped(
    service_client: ServiceClient,
) -> None:
    delegated = given_task_delegated(additional_minutes_per_week=60)
    handback = given_handback(delegated, StopReason.HANDED_BACK)
    closed = given_closed(handback, HandbackClosure.REDELEGATED)
    async with service_client(FUNDING) as (client, runtime):
        await given_related(runtime, delegated.person_id, ICB, CITY)
        await given_rate(client, 2400)
        await deliver(runtime, delegated, handback, closed)
        funding = await funding_of(client, delegated.delegation_id)
    [cover] = funding["covers"]
    assert (cover["closure"], cover["closed_on"]) == ("redelegated", "2026-01-19")
    assert funding["status"] == "suspended"
    assert all(s["effective_to"] is not None for s in funding["segments"])


async def test_r20_the_funding_decision_settles_the_cover_back_to_the_stop_date(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    delegated = given_task_delegated(
        additional_minutes_per_week=60, accountable_organisation=CITY, section_22_met=True
    )
    handback = given_handback(delegated, StopReason.ENDED)
    clock.move(timedelta(days=30))
    async with service_client(FUNDING) as (client, runtime):
        await given_related(runtime, delegated.person_id, ICB, CITY)
        await given_rate(client, 2400, by=CITY)  # the council pays the provider
        await given_rate(client, 3000, provider=OWNER)  # Health pays the owner for its cover
        await given_rate(client, 3000, provider=OWNER, by=CITY)  # and so does the council
        await deliver(runtime, delegated, handback)
        decided = await client.post(
            f"/delegations/{delegated.delegation_id}/funding-decision",
            json={"accountable_organisation": CITY, "decided_on": "2026-01-19"},
            headers=commissioner(CITY),
        )
        again = await client.post(
            f"/delegations/{delegated.delegation_id}/funding-decision",
            json={"accountable_organisation": CITY, "decided_on": "2026-01-19"},
            headers=commissioner(CITY),
        )
        await deliver(runtime, given_closed(handback, HandbackClosure.ENDED, date(2026, 1, 26)))
        [settled] = await published(runtime, WithoutPrejudiceSettled)
        funding = await funding_of(client, delegated.delegation_id)
        city = await statement(client, CITY, "2026-01-05", "2026-01-31")
    assert decided.status_code == 200, decided.text
    assert again.status_code == 409
    assert isinstance(settled, WithoutPrejudiceSettled)
    assert (settled.start_date, settled.decided_on) == (STOP, date(2026, 1, 19))
    assert [(s.payer, s.payee, s.amount_pence) for s in settled.settlements] == [(CITY, ICB, 3000)]
    [cover] = funding["covers"]
    assert (cover["funding"], cover["payer"], cover["decided_on"]) == (
        "decided",
        CITY,
        "2026-01-19",
    )
    assert (cover["closure"], cover["closed_on"]) == ("ended", "2026-01-26")
    assert funding["status"] == "ended"
    assert funding["payer"] == CITY  # the delegation's own payer is untouched by the cover
    assert city["recharged_by_pence"] == {ICB: 3000}
    assert [
        (ln["provider_organisation"], ln["line_from"], ln["amount_pence"]) for ln in city["lines"]
    ] == [
        (PROVIDER, "2026-01-05", 2400),
        (OWNER, "2026-01-19", 3000),  # CITY pays the cover from the decision until it ends
    ]


async def test_r18_a_social_to_health_handback_stops_the_council_paying_and_health_covers_nothing(
    service_client: ServiceClient,
) -> None:
    delegated = given_task_delegated(
        additional_minutes_per_week=60,
        category=TaskCategory.SOCIAL_CARE,
        direction=Direction.SOCIAL_TO_HEALTH,
        accountable_organisation=CITY,
        provider_organisation="LPT",
    )
    handback = given_handback(delegated, StopReason.HANDED_BACK)
    async with service_client(FUNDING) as (client, runtime):
        await given_related(runtime, delegated.person_id, ICB, CITY)
        await given_rate(client, 2400, provider="LPT", by=CITY)
        await deliver(runtime, delegated, handback, handback)
        stopped = await published(runtime, FundingStopped)
        response = await client.get(
            f"/delegations/{delegated.delegation_id}/funding", headers=commissioner(CITY)
        )
    assert len(stopped) == 1
    assert response.json()["covers"] == []
    assert response.json()["status"] == "suspended"


async def test_r20_a_handback_of_a_delegation_funding_never_saw_live_changes_nothing(
    service_client: ServiceClient,
) -> None:
    never_live = given_task_delegated()
    async with service_client(FUNDING) as (client, runtime):
        await given_related(runtime, never_live.person_id, ICB, CITY)
        await deliver(runtime, given_handback(never_live, StopReason.DECLINED_AFTER_ACCEPTANCE))
        response = await client.get(
            f"/delegations/{never_live.delegation_id}/funding", headers=commissioner()
        )
        events = await published(runtime)
    assert response.status_code == 404
    assert events == []


async def test_r20_twenty_funding_decisions_on_one_cover_settle_it_once(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    delegated = given_task_delegated(
        additional_minutes_per_week=60, accountable_organisation=CITY, section_22_met=True
    )
    clock.move(timedelta(days=30))
    url = f"/delegations/{delegated.delegation_id}/funding-decision"
    body = {"accountable_organisation": CITY, "decided_on": "2026-01-19"}
    async with service_client(FUNDING) as (client, runtime):
        await given_related(runtime, delegated.person_id, ICB, CITY)
        await given_rate(client, 2400)
        await deliver(runtime, delegated, given_handback(delegated))

        responses = await race(lambda _: client.post(url, json=body, headers=commissioner(CITY)))

        settled = await published(runtime, WithoutPrejudiceSettled)
    assert_one_winner(responses)
    assert len(settled) == 1


async def test_r20_one_decision_settles_the_start_gap_and_the_cover_back_to_the_start(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    delegated = given_task_delegated(
        additional_minutes_per_week=60, accountable_organisation="UNDECIDED"
    )
    clock.move(timedelta(days=30))
    async with service_client(FUNDING) as (client, runtime):
        await given_related(runtime, delegated.person_id, ICB, CITY)
        await given_rate(client, 2400)
        await given_rate(client, 3000, provider=OWNER)
        await deliver(runtime, delegated, given_handback(delegated))
        decided = await client.post(
            f"/delegations/{delegated.delegation_id}/funding-decision",
            json={"accountable_organisation": CITY, "decided_on": "2026-01-19"},
            headers=commissioner(CITY),
        )
        [settled] = await published(runtime, WithoutPrejudiceSettled)
        funding = await funding_of(client, delegated.delegation_id)
    assert decided.status_code == 200, decided.text
    assert isinstance(settled, WithoutPrejudiceSettled)
    assert settled.start_date == date(2026, 1, 5)
    assert [(s.payer, s.payee, s.amount_pence) for s in settled.settlements] == [
        (CITY, ICB, 2400 + 3000)
    ]
    assert (funding["payer"], funding["funding_pending"]) == (CITY, False)
    assert [c["funding"] for c in funding["covers"]] == ["decided"]
