"""Issue 20 item 5, reads at LLR scale: what the lists read from an index is stored, and follows
every change it is computed from. The next oversight visit's due day (R17, A 5.12) on the
delegation: set when the task goes live, moved by each visit and by a new interval at a review
(R12), kept while suspended (R7, R18), cleared when the task stops running (ended, handed back);
the owner's list follows an oversight transfer (R17). The workers named on each delegation, one
row each (R16), and how many times a day its frequency says (R16). Migration 0016 fills them
from the rows already held."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from httpx import AsyncClient
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.delegation.handlers.delegations import hand_back_on_notice
from services.delegation.main import SPEC as DELEGATION
from services.delegation.models import Delegation, NamedWorker, times_a_day
from shared import migrations
from shared.auth import Role
from shared.clock import MovableClock
from shared.db import JSONDocument
from shared.events.assessment import GpPracticeChanged, NeedChanged
from shared.service import Runtime
from shared.testing.events import deliver
from shared.testing.plugin import Databases
from shared.web import create_app
from tests.conftest import ServiceClient, bearer, given_client, given_runtime, token
from tests.delegation.conftest import (
    GP,
    MANAGER,
    MDT,
    PRACTITIONER,
    Live,
    given_decision_body,
    given_live,
    run_job,
    withdrawn,
)
from tests.delegation.test_named_workers import add, given_registered

Json = dict[str, Any]
EVERY_TEN_DAYS = {"risk": given_decision_body()["risk"] | {"oversight_interval_days": 10}}
START = date(2026, 1, 5)


async def stored(runtime: Runtime, delegation_id: str) -> Delegation:
    async with runtime.sessions() as session:
        return await session.get_one(Delegation, uuid.UUID(delegation_id))


async def due_list(client: AsyncClient, headers: dict[str, str] = PRACTITIONER) -> list[Json]:
    response = await client.get("/oversight-visits/due", headers=headers)
    assert response.status_code == 200, response.text
    items: list[Json] = response.json()["items"]
    return items


async def visit(
    client: AsyncClient, live: Live, on: str, headers: dict[str, str] = PRACTITIONER
) -> Any:
    body = {"visited_on": on, "findings": ["records_complete"], "spot_checks": [], "actions": []}
    return await client.post(
        f"/delegations/{live.delegation_id}/oversight-visits", json=body, headers=headers
    )


async def test_r17_the_due_day_is_stored_when_the_task_goes_live_and_moves_with_each_visit(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime, decision=EVERY_TEN_DAYS)
        at_start = await stored(runtime, live.delegation_id)
        clock.move(timedelta(days=3))
        first = await visit(client, live, "2026-01-08")
        earlier = await visit(client, live, "2026-01-06")  # recorded late: the last stays the 8th
        after = await stored(runtime, live.delegation_id)
        listed = await due_list(client)
    assert (at_start.start_date, at_start.last_visited_on) == (START, None)
    assert at_start.next_visit_due == date(2026, 1, 15)
    assert (first.status_code, earlier.status_code) == (201, 201)
    assert (after.last_visited_on, after.next_visit_due) == (date(2026, 1, 8), date(2026, 1, 18))
    assert [(v["next_due"], v["last_visited_on"]) for v in listed] == [("2026-01-18", "2026-01-08")]


async def test_r17_no_interval_no_due_day(service_client: ServiceClient) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        row = await stored(runtime, live.delegation_id)
    assert (row.oversight_interval_days, row.next_visit_due) == (None, None)


async def test_r7_r18_a_suspended_task_stays_due_a_visit_and_an_ended_one_is_not(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        suspended = await given_live(client, runtime, decision=EVERY_TEN_DAYS)
        await deliver(runtime, withdrawn(suspended))  # R7: suspended, handed back to Health
        clinically = await given_live(client, runtime, decision=EVERY_TEN_DAYS)
        response = await client.post(
            f"/delegations/{clinically.delegation_id}/clinical-suspension",
            json={"reason": "skin broken: the nurse takes the task back"},
            headers=PRACTITIONER,
        )
        ended = await given_live(client, runtime, decision=EVERY_TEN_DAYS)
        end = await client.post(
            f"/delegations/{ended.delegation_id}/end",
            json={"reason_code": "person_moved"},
            headers=MDT,
        )
        rows = [await stored(runtime, d.delegation_id) for d in (suspended, clinically, ended)]
        listed = await due_list(client)
    assert response.status_code == 200, response.text
    assert end.status_code == 200, end.text
    assert [(r.status, r.next_visit_due) for r in rows] == [
        ("suspended", date(2026, 1, 15)),
        ("clinically_suspended", date(2026, 1, 15)),
        ("ended", None),
    ]
    assert {v["delegation_id"] for v in listed} == {
        suspended.delegation_id,
        clinically.delegation_id,
    }


async def test_r18_a_task_handed_back_on_notice_is_no_longer_due_a_visit(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime, decision=EVERY_TEN_DAYS)
        notice = await client.post(
            f"/delegations/{live.delegation_id}/handback-notice",
            json={"notice_date": "2026-01-06", "reason": "the contract ends"},
            headers=MANAGER,
        )
        during = await stored(runtime, live.delegation_id)
        clock.move(timedelta(days=1))
        await run_job(runtime, hand_back_on_notice)
        after = await stored(runtime, live.delegation_id)
        listed = await due_list(client)
    assert notice.status_code == 200, notice.text
    assert (during.status, during.next_visit_due) == ("live", date(2026, 1, 15))
    assert (after.status, after.next_visit_due) == ("handed_back", None)
    assert listed == []


async def test_r17_the_due_visit_follows_the_oversight_to_the_new_practice(
    service_client: ServiceClient,
) -> None:
    new_practice = "C82002"
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime, open_to_chs=False, decision=EVERY_TEN_DAYS)
        before = await due_list(client, bearer_of(GP))
        await deliver(
            runtime,
            GpPracticeChanged(
                person_id=live.person_id, gp_practice=new_practice, effective_date=START
            ),
        )
        old_owner = await due_list(client, bearer_of(GP))
        row = await stored(runtime, live.delegation_id)
    assert [v["oversight_owner"] for v in before] == [GP]
    assert old_owner == []
    assert (row.oversight_owner, row.next_visit_due) == (new_practice, date(2026, 1, 15))


def bearer_of(organisation: str) -> dict[str, str]:
    return bearer(Role.REGISTERED_PRACTITIONER, organisation)


def as_care_worker(worker: uuid.UUID) -> dict[str, str]:
    signed = token(Role.CARE_WORKER, "CAREWELL-HOMECARE", user_id=str(worker))
    return {"Authorization": f"Bearer {signed}"}


async def test_r12_r26_a_review_that_sets_a_new_interval_moves_the_due_day(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime, decision=EVERY_TEN_DAYS)
        change = NeedChanged(
            person_id=live.person_id, change_id=uuid.uuid4(), significant=True, recorded_on=START
        )
        await deliver(runtime, change)
        reviews = await client.get(f"/delegations/{live.delegation_id}/reviews", headers=MDT)
        review_id = reviews.json()["items"][0]["id"]
        decision = given_decision_body()
        reassessment = {k: decision[k] for k in ("members", "best_interests", "section_22")}
        reassessment["risk"] = decision["risk"] | {"oversight_interval_days": 3}
        outcome = await client.post(
            f"/reviews/{review_id}/outcome",
            json={"outcome": "continue", "reassessment": reassessment},
            headers=MDT,
        )
        row = await stored(runtime, live.delegation_id)
    assert outcome.status_code == 200, outcome.text
    assert (row.oversight_interval_days, row.next_visit_due) == (3, date(2026, 1, 8))


async def test_r16_a_care_workers_tasks_follow_the_workers_named(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        newcomer = await given_registered(runtime)
        added = await add(client, live.delegation_id, newcomer)
        removed = await client.delete(
            f"/delegations/{live.delegation_id}/workers/{live.workers[0]}", headers=MANAGER
        )
        async with runtime.sessions() as session:
            rows = (
                await session.scalars(
                    select(NamedWorker.worker_id).where(
                        NamedWorker.delegation_id == uuid.UUID(live.delegation_id)
                    )
                )
            ).all()
        tasks = [
            await client.get("/delegated-tasks", headers=as_care_worker(w))
            for w in (live.workers[0], live.workers[1], newcomer)
        ]
    assert added.status_code == 200, added.text
    assert removed.status_code in (200, 204), removed.text
    assert set(rows) == {live.workers[1], newcomer}
    assert [len(t.json()["items"]) for t in tasks] == [0, 1, 1]


def test_r16_how_many_times_a_day_the_frequency_says() -> None:
    assert [times_a_day(f) for f in ("twice a day", "daily", "3 times per day", "as needed")] == [
        2,
        1,
        3,
        None,
    ]


async def test_r16_missed_applications_are_counted_against_the_frequency_stored(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        clock.move(timedelta(days=2))
        row = await stored(runtime, live.delegation_id)
        missed = await client.get(
            "/missed-applications",
            params={"from": "2026-01-05", "to": "2026-01-06", "limit": 3},
            headers=MANAGER,
        )
        rest = await client.get(
            "/missed-applications",
            params={
                "from": "2026-01-05",
                "to": "2026-01-06",
                "limit": 3,
                "cursor": missed.json()["next_cursor"],
            },
            headers=MANAGER,
        )
    assert row.frequency_times == 2  # the case study's "twice a day"
    assert [(m["due_on"], m["slot"]) for m in missed.json()["items"]] == [
        ("2026-01-05", 1),
        ("2026-01-05", 2),
        ("2026-01-06", 1),
    ]
    assert [(m["due_on"], m["slot"]) for m in rest.json()["items"]] == [("2026-01-06", 2)]
    assert rest.json()["next_cursor"] is None


# Migration 0016 fills what it stores from the rows already held.

PROPOSAL_ID, PERSON_ID = uuid.uuid4(), uuid.uuid4()
LIVE_ID, ENDED_ID, WORKER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def as_stored(name: str, row: Json) -> Any:
    json = {"worker_ids", "findings", "spot_checks", "actions", "mdt_organisations"}
    return sa.table(name, *(sa.column(c, JSONDocument) if c in json else sa.column(c) for c in row))


async def given_rows_before_0016(connection: AsyncConnection) -> None:
    common = {
        "person_id": PERSON_ID,
        "task_code": "topical-cream",
        "category": "compromised_skin_integrity_and_wound_care",
        "direction": "health_to_social",
        "setting": "own_home",
        "practitioner_id": "nurse-1",
        "professional_body": "NMC",
        "registration_number": "12A3456E",
        "provider_organisation": "CAREWELL-HOMECARE",
        "frequency": "twice a day",
        "additional_minutes_per_week": 0,
        "contact_arrangements": "call the hub",
    }
    for proposal_id in (PROPOSAL_ID, uuid.uuid4()):
        proposal = common | {"id": proposal_id, "status": "approved", "submitted_on": START}
        await connection.execute(insert(as_stored("proposals", proposal)), [proposal])
        delegation = common | {
            "id": LIVE_ID if proposal_id == PROPOSAL_ID else ENDED_ID,
            "proposal_id": proposal_id,
            "status": "live" if proposal_id == PROPOSAL_ID else "ended",
            "framework_version": 1,
            "nhs_duty_of_care_retained": True,
            "worker_ids": [str(WORKER)],
            "regular_reviews_raised": 0,
            "created_at": datetime(2026, 1, 5, tzinfo=UTC),
            "start_date": START,
            "oversight_kind": "community_health_services",
            "oversight_owner": "LPT",
            "oversight_interval_days": 10,
            "mdt_organisations": ["LPT"],
        }
        await connection.execute(insert(as_stored("delegations", delegation)), [delegation])
    visited = {
        "id": uuid.uuid4(),
        "delegation_id": LIVE_ID,
        "person_id": PERSON_ID,
        "oversight_owner": "LPT",
        "visited_on": date(2026, 1, 9),
        "findings": ["records_complete"],
        "spot_checks": [],
        "actions": [],
        "next_due": date(2026, 1, 19),
        "recorded_by": "nurse-1",
        "recorded_at": datetime(2026, 1, 9, tzinfo=UTC),
    }
    await connection.execute(insert(as_stored("oversight_visits", visited)), [visited])


async def test_r17_r16_0016_fills_the_due_day_the_frequency_and_the_named_workers(
    databases: Databases, clock: MovableClock
) -> None:
    async def to_0015(url: str) -> None:
        runtime = given_runtime(DELEGATION, url, clock)
        await migrations.upgrade(runtime.engine, DELEGATION.migrations_dir, "0015")
        await runtime.close()

    url = await databases.fresh("delegation_before_0016", to_0015)
    runtime = given_runtime(DELEGATION, url, clock)
    try:
        async with runtime.engine.begin() as connection:
            await given_rows_before_0016(connection)
        await migrations.upgrade(runtime.engine, DELEGATION.migrations_dir)
        async with runtime.sessions() as session:
            live = await session.get_one(Delegation, LIVE_ID)
            ended = await session.get_one(Delegation, ENDED_ID)
            named = (
                await session.execute(select(NamedWorker.delegation_id, NamedWorker.worker_id))
            ).all()
    finally:
        await runtime.close()
        databases.release(url)
    assert (live.last_visited_on, live.next_visit_due) == (date(2026, 1, 9), date(2026, 1, 19))
    assert (ended.last_visited_on, ended.next_visit_due) == (None, None)
    assert (live.frequency_times, ended.frequency_times) == (2, 2)
    assert sorted(named) == sorted([(LIVE_ID, WORKER), (ENDED_ID, WORKER)])


# Standalone mode: the same statements on SQLite (0016 included).


@asynccontextmanager
async def on_sqlite(tmp_path: Path, clock: MovableClock) -> AsyncIterator[tuple[AsyncClient, Any]]:
    runtime = given_runtime(DELEGATION, f"sqlite+aiosqlite:///{tmp_path / 'delegation.db'}", clock)
    await runtime.migrate()
    try:
        async with given_client(create_app(runtime)) as client:
            yield client, runtime
    finally:
        await runtime.close()


async def test_r16_r17_the_lists_read_the_same_in_standalone_mode_on_sqlite(
    tmp_path: Path, clock: MovableClock
) -> None:
    async with on_sqlite(tmp_path, clock) as (client, runtime):
        live = await given_live(client, runtime, decision=EVERY_TEN_DAYS)
        clock.move(timedelta(days=12))
        due = await due_list(client)
        overdue = await client.get(
            "/oversight-visits/due", params={"overdue": "true"}, headers=PRACTITIONER
        )
        missed = await client.get(
            "/missed-applications",
            params={"from": "2026-01-05", "to": "2026-01-06", "limit": 3},
            headers=MANAGER,
        )
        tasks = await client.get("/delegated-tasks", headers=as_care_worker(live.workers[0]))
        work = await client.get("/worklist", headers=MANAGER)
    assert [(v["delegation_id"], v["next_due"]) for v in due] == [
        (live.delegation_id, "2026-01-15")
    ]
    assert [v["days_overdue"] for v in overdue.json()["items"]] == [2]
    assert [(m["due_on"], m["slot"]) for m in missed.json()["items"]] == [
        ("2026-01-05", 1),
        ("2026-01-05", 2),
        ("2026-01-06", 1),
    ]
    assert missed.json()["next_cursor"] is not None
    assert [t["delegation_id"] for t in tasks.json()["items"]] == [live.delegation_id]
    kinds = [i["kind"] for i in work.json()["items"]]
    assert kinds.count("missed_application") == 24  # twice a day, 5 to 16 January
