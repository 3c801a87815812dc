"""R26: a review three months after the start, then at twelve-month intervals at least: a
review completed before the next scheduled one (one a change in need or a care plan
re-evaluation raised, or a regular one) restarts the twelve-monthly clock from its date."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from services.delegation.domain import reviews as rules
from services.delegation.main import SPEC as DELEGATION
from services.delegation.models import Delegation
from shared.clock import MovableClock
from shared.events.assessment import NeedChanged
from shared.events.delegation import ReviewDue, ReviewReason
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient
from tests.delegation.conftest import MDT, PRACTITIONER, given_live, run_review_job

START = date(2026, 1, 5)


def test_r26_an_early_review_restarts_the_twelve_monthly_clock() -> None:
    # the three-month review (5 April) was raised; the next, twelve-monthly, is 5 April 2027
    assert rules.restart_clock(1, date(2027, 4, 5), date(2026, 7, 1)) == date(2027, 7, 1)
    # from then on every twelve months from the early review, not from the start
    assert rules.regular_reviews_due(
        START, 1, date(2027, 7, 1), date(2027, 7, 1), date(2026, 7, 1)
    ) == [(1, date(2027, 7, 1))]
    assert (
        rules.regular_reviews_due(START, 1, date(2027, 6, 30), date(2027, 7, 1), date(2026, 7, 1))
        == []
    )
    assert rules.following(START, 2, date(2026, 7, 1), date(2027, 7, 1)) == date(2028, 7, 1)
    # a review years late raises each missed anniversary once, in order
    assert rules.regular_reviews_due(
        START, 1, date(2029, 7, 1), date(2027, 7, 1), date(2026, 7, 1)
    ) == [(1, date(2027, 7, 1)), (2, date(2028, 7, 1)), (3, date(2029, 7, 1))]


def test_r26_the_three_month_review_stands_and_a_due_one_is_not_moved() -> None:
    # an early review before the three-month one leaves the schedule from the start
    assert rules.restart_clock(0, date(2026, 4, 5), date(2026, 2, 1)) is None
    # completed on or after the day the next was due: that one is raised already, not moved
    assert rules.restart_clock(1, date(2027, 4, 5), date(2027, 4, 5)) is None
    assert rules.restart_clock(2, None, date(2027, 4, 5)) is None
    # no restart: the schedule from the start, as before
    assert rules.regular_reviews_due(START, 0, date(2027, 4, 5)) == [
        (0, date(2026, 4, 5)),
        (1, date(2027, 4, 5)),
    ]


@given(
    early=st.dates(min_value=date(2026, 4, 6), max_value=date(2030, 12, 31)),
    years=st.integers(min_value=1, max_value=6),
)
def test_r26_after_a_restart_reviews_are_twelve_months_apart_on_its_anniversaries(
    early: date, years: int
) -> None:
    restarted = rules.restart_clock(1, date(2031, 1, 5), early)
    assert restarted == rules.add_months(early, 12)
    today = rules.add_months(early, 12 * years)
    due = rules.regular_reviews_due(START, 1, today, restarted, early)
    assert [on for _number, on in due] == [
        rules.add_months(early, 12 * n) for n in range(1, years + 1)
    ]
    assert [number for number, _on in due] == list(range(1, years + 1))


async def test_r26_an_early_review_restarts_the_twelve_monthly_clock_on_postgresql(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)  # starts 5 January 2026
        clock.move(timedelta(days=90))  # 5 April 2026: the three-month review
        assert await run_review_job(runtime) == 1
        clock.move(timedelta(days=87))  # 1 July 2026: a change in need, reviewed that day
        await deliver(
            runtime,
            NeedChanged(
                person_id=live.person_id,
                change_id=uuid.uuid4(),
                significant=False,
                recorded_on=date(2026, 7, 1),
            ),
        )
        reviews = await client.get(
            f"/delegations/{live.delegation_id}/reviews",
            params={"state": "due"},
            headers=MDT,
        )
        [early] = [r for r in reviews.json()["items"] if r["reason"] == "change_in_need"]
        done = await client.post(
            f"/reviews/{early['id']}/outcome", json={"outcome": "continue"}, headers=MDT
        )
        async with runtime.sessions() as session:
            delegation = await session.scalar(
                select(Delegation).where(Delegation.id == uuid.UUID(live.delegation_id))
            )
            assert delegation is not None
            next_due, clock_from = delegation.next_review_due, delegation.review_clock_from
        overseen = await client.get(
            "/worklist", params={"kind": "delegation_overseen"}, headers=PRACTITIONER
        )
        clock.set(clock.now().replace(year=2027, month=4, day=5))  # the old schedule's day
        on_the_old_day = await run_review_job(runtime)
        clock.set(clock.now().replace(year=2027, month=7, day=1))  # twelve months on
        on_the_new_day = await run_review_job(runtime)
        due = [e for e in await published(runtime, ReviewDue) if isinstance(e, ReviewDue)]
    assert done.status_code == 200, done.text
    assert (next_due, clock_from) == (date(2027, 7, 1), date(2026, 7, 1))
    assert [i["due_on"] for i in overseen.json()["items"]] == ["2027-07-01"]
    assert (on_the_old_day, on_the_new_day) == (0, 1)
    assert [(e.reason, e.due_date) for e in due] == [
        (ReviewReason.THREE_MONTHS, date(2026, 4, 5)),
        (ReviewReason.CHANGE_IN_NEED, date(2026, 7, 1)),
        (ReviewReason.TWELVE_MONTHS, date(2027, 7, 1)),
    ]
