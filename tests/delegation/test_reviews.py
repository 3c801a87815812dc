"""Reviews (R26) and ad hoc occurrences becoming regular (R23): the clock moves."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, timedelta

from services.delegation.handlers.reviews import raise_due_reviews
from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.assessment import NeedChanged
from shared.events.delegation import (
    CarePlanReevaluationFlagged,
    DelegationEnded,
    ReviewCompleted,
    ReviewDue,
    ReviewOutcome,
    ReviewReason,
)
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import (
    CITY,
    MANAGER,
    MDT,
    PROVIDER,
    given_live,
    given_plan,
    run_review_job,
)


def reasons(events: Sequence[object]) -> list[tuple[ReviewReason, date]]:
    return [(e.reason, e.due_date) for e in events if isinstance(e, ReviewDue)]


async def test_r26_review_due_three_months_after_start_then_every_twelve_months_once_each(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        await given_live(client, runtime)  # starts 5 January 2026
        clock.move(timedelta(days=89))
        too_early = await run_review_job(runtime)
        clock.move(timedelta(days=1))  # 5 April 2026
        first = await run_review_job(runtime)
        again = await run_review_job(runtime)
        clock.move(timedelta(days=366))  # 6 April 2027
        second = await run_review_job(runtime)
        due = await published(runtime, ReviewDue)
    assert (too_early, first, again, second) == (0, 1, 0, 1)
    assert reasons(due) == [
        (ReviewReason.THREE_MONTHS, date(2026, 4, 5)),
        (ReviewReason.TWELVE_MONTHS, date(2027, 4, 5)),
    ]


async def test_r26_a_change_in_need_makes_a_review_due_at_once(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        change = NeedChanged(
            person_id=live.person_id,
            change_id=uuid.uuid4(),
            significant=True,
            recorded_on=date(2026, 1, 10),
        )
        await deliver(runtime, change, change)
        due = await published(runtime, ReviewDue)
        reviews = await client.get(f"/delegations/{live.delegation_id}/reviews", headers=MDT)
    assert len(due) == 1
    event = due[0]
    assert isinstance(event, ReviewDue)
    assert event.reason is ReviewReason.CHANGE_IN_NEED
    assert event.mdt_reassessment is True
    assert event.due_date == date(2026, 1, 10)
    assert [r["reason"] for r in reviews.json()["items"]] == ["change_in_need"]


async def test_r26_a_minor_change_in_need_needs_no_mdt_reassessment(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(
            runtime,
            NeedChanged(
                person_id=live.person_id,
                change_id=uuid.uuid4(),
                significant=False,
                recorded_on=date(2026, 1, 10),
            ),
        )
        due = await published(runtime, ReviewDue)
    assert [e.mdt_reassessment for e in due if isinstance(e, ReviewDue)] == [False]


async def test_r26_overdue_reviews_are_listed_per_organisation(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        clock.move(timedelta(days=90))
        await run_review_job(runtime)
        on_the_day = await client.get(
            "/reviews/overdue", params={"organisation": PROVIDER}, headers=MDT
        )
        clock.move(timedelta(days=1))
        council = await client.get("/reviews/overdue", params={"organisation": CITY}, headers=MDT)
        other = await client.get(
            "/reviews/overdue", params={"organisation": "ANOTHER-PROVIDER"}, headers=MDT
        )
        provider = await client.get("/reviews/overdue", headers=MANAGER)
        stranger = await client.get(
            "/reviews/overdue",
            params={"organisation": PROVIDER},
            headers=bearer(Role.PROVIDER_MANAGER, "ANOTHER-PROVIDER"),
        )
    assert on_the_day.json()["items"] == []
    assert [r["delegation_id"] for r in council.json()["items"]] == [live.delegation_id]
    assert other.json()["items"] == []
    assert len(provider.json()["items"]) == 1
    assert stranger.json()["items"] == []


async def test_r26_a_review_outcome_changing_minutes_publishes_review_completed(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(
            runtime,
            NeedChanged(
                person_id=live.person_id,
                change_id=uuid.uuid4(),
                significant=False,
                recorded_on=date(2026, 1, 5),
            ),
        )
        review_id = (
            await client.get(f"/delegations/{live.delegation_id}/reviews", headers=MDT)
        ).json()["items"][0]["id"]
        missing = await client.post(
            f"/reviews/{review_id}/outcome", json={"outcome": "change_minutes"}, headers=MDT
        )
        done = await client.post(
            f"/reviews/{review_id}/outcome",
            json={
                "outcome": "change_minutes",
                "additional_minutes_per_week": 70,
                "new_support_plan": given_plan(),
            },
            headers=MDT,
        )
        again = await client.post(
            f"/reviews/{review_id}/outcome", json={"outcome": "continue"}, headers=MDT
        )
        delegation = (await client.get(f"/delegations/{live.delegation_id}", headers=MDT)).json()
        completed = await published(runtime, ReviewCompleted)
    assert missing.json()["errors"][0]["field"] == "additional_minutes_per_week"
    assert done.json()["outcome"] == "change_minutes"
    assert again.status_code == 409
    assert delegation["additional_minutes_per_week"] == 70
    assert [
        (e.outcome, e.additional_minutes_per_week)
        for e in completed
        if isinstance(e, ReviewCompleted)
    ] == [(ReviewOutcome.CHANGE_MINUTES, 70)]


async def test_r26_a_review_may_end_the_delegation(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        clock.move(timedelta(days=90))
        await run_review_job(runtime)
        review_id = (
            await client.get(f"/delegations/{live.delegation_id}/reviews", headers=MDT)
        ).json()["items"][0]["id"]
        response = await client.post(
            f"/reviews/{review_id}/outcome",
            json={"outcome": "end", "notes": "no longer needed"},
            headers=MDT,
        )
        delegation = (await client.get(f"/delegations/{live.delegation_id}", headers=MDT)).json()
        ended = await published(runtime, DelegationEnded)
        clock.move(timedelta(days=400))
        later = await run_review_job(runtime)
    assert response.status_code == 200
    assert delegation["status"] == "ended"
    assert len(ended) == 1
    assert later == 0


async def test_r26_only_mdt_members_record_review_outcomes(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        response = await client.post(
            f"/reviews/{uuid.uuid4()}/outcome", json={"outcome": "continue"}, headers=MANAGER
        )
    assert response.status_code == 403


async def test_r23_ad_hoc_occurrences_becoming_regular_flag_a_reevaluation_once(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        clock.move(timedelta(days=30))
        url = f"/delegations/{live.delegation_id}/occurrences"
        answers = []
        days = (
            date(2026, 1, 2),
            date(2026, 1, 20),
            date(2026, 2, 1),
            date(2026, 2, 3),
            date(2026, 2, 4),
        )
        for day in days:
            response = await client.post(url, json={"occurred_on": str(day)}, headers=MANAGER)
            answers.append(response.json()["care_plan_reevaluation_flagged"])
        flagged = await published(runtime, CarePlanReevaluationFlagged)
        due = await published(runtime, ReviewDue)
        reviews = await client.get(f"/delegations/{live.delegation_id}/reviews", headers=MDT)
    assert answers == [False, False, False, True, True]  # 2 January is outside the 28 days
    # Issue 16: the flag has a purpose: the re-evaluation is a review due that day, raised once.
    [review] = [r for r in reviews.json()["items"] if r["reason"] == "change_in_need"]
    assert (review["due_date"], review["completed_on"]) == ("2026-02-04", None)
    assert len(due) == 1
    assert len(flagged) == 1
    event = flagged[0]
    assert isinstance(event, CarePlanReevaluationFlagged)
    assert (event.occurrences, event.period_days) == (3, 28)


async def test_r23_a_repeated_occurrence_with_the_same_key_has_no_second_effect(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        url = f"/delegations/{live.delegation_id}/occurrences"
        headers = MANAGER | {"Idempotency-Key": "occ-1"}
        first = await client.post(url, json={"occurred_on": "2026-01-05"}, headers=headers)
        second = await client.post(url, json={"occurred_on": "2026-01-05"}, headers=headers)
        future = await client.post(url, json={"occurred_on": "2026-03-01"}, headers=MANAGER)
        ancient = await client.post(url, json={"occurred_on": "0001-01-01"}, headers=MANAGER)
    assert (first.status_code, second.status_code) == (201, 200)
    assert first.json()["id"] == second.json()["id"]
    assert future.json()["errors"][0]["field"] == "occurred_on"
    # Issue 14: a year 1 date gave a 500; it is a 422 naming the field.
    assert ancient.status_code == 422, ancient.text
    assert ancient.json()["errors"][0]["field"] == "occurred_on"


async def test_r23_the_ipcb_governs_when_ad_hoc_occurrences_become_regular(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    ipcb = bearer(Role.IPCB_MEMBER, "LLR-ICB")
    async with service_client(DELEGATION) as (client, runtime):
        refused = await client.put(
            "/policies/regular-use", json={"threshold": 2, "period_days": 7}, headers=MDT
        )
        bad = await client.put(
            "/policies/regular-use", json={"threshold": 1, "period_days": 7}, headers=ipcb
        )
        changed = await client.put(
            "/policies/regular-use", json={"threshold": 2, "period_days": 7}, headers=ipcb
        )
        live = await given_live(client, runtime)
        clock.move(timedelta(days=30))
        url = f"/delegations/{live.delegation_id}/occurrences"
        answers = []
        for day in (date(2026, 1, 20), date(2026, 2, 1), date(2026, 2, 3)):
            response = await client.post(url, json={"occurred_on": str(day)}, headers=MANAGER)
            answers.append(response.json()["care_plan_reevaluation_flagged"])
        policy = await client.get("/policies/regular-use", headers=MDT)
        [flagged] = await published(runtime, CarePlanReevaluationFlagged)
    assert refused.status_code == 403
    assert bad.json()["errors"][0]["field"] == "threshold"
    assert changed.status_code == 200
    assert policy.json()["threshold"] == 2
    assert answers == [False, False, True]  # 20 January is outside the IPCB's 7 days
    assert isinstance(flagged, CarePlanReevaluationFlagged)
    assert (flagged.occurrences, flagged.period_days) == (2, 7)


def test_r26_the_worker_runs_the_review_scheduler() -> None:
    assert raise_due_reviews in DELEGATION.jobs
