"""Delivery records (R16, R8): each application of a live delegated task, by a named worker
competent and in date on the day; a visit's entries all or none; corrections as new entries;
missed applications computed from the schedule; a change noticed raised to the oversight owner."""

from __future__ import annotations

import asyncio
import base64
import json
import uuid
from contextlib import AbstractAsyncContextManager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient

from services.delegation.domain import delivery as rules
from services.delegation.domain.delegations import DelegationState, WorkerStanding
from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.clock import MovableClock
from shared.errors import RuleViolation
from shared.events.delegation import ChangeNoticed, NoticedChange, ReviewDue, ReviewReason
from shared.testing.events import deliver, published
from tests.conftest import ServiceClient, bearer, sqlite_client, token
from tests.delegation.conftest import (
    GP_PRACTITIONER,
    MANAGER,
    MDT,
    PRACTITIONER,
    PROVIDER,
    competence_lapsed,
    competent,
    given_accepted,
    given_approved,
    given_live,
    given_person,
)

Json = dict[str, Any]
MORNING = "2026-01-05T08:30:00+00:00"


def as_worker(worker_id: uuid.UUID, organisation: str = PROVIDER) -> dict[str, str]:
    return {
        "Authorization": "Bearer " + token(Role.CARE_WORKER, organisation, user_id=str(worker_id))
    }


def given_entry(delegation_id: str, **overrides: Any) -> Json:
    entry: Json = {
        "delegation_id": delegation_id,
        "outcome": "given",
        "administered_at": MORNING,
        "observations": "skin looks calmer",
    }
    return entry | overrides


async def given_visit(
    client: AsyncClient, headers: dict[str, str], *entries: Json, key: str | None = None
) -> Any:
    extra = {"Idempotency-Key": key} if key else {}
    return await client.post(
        "/delivery-records", json={"entries": list(entries)}, headers=headers | extra
    )


# The schedule, pure


def test_the_schedule_reads_the_usual_words_of_frequency() -> None:
    assert rules.schedule_from_frequency("twice a day") == rules.Schedule(2)
    assert rules.schedule_from_frequency("3 times per day, after meals") == rules.Schedule(3)
    assert rules.schedule_from_frequency("daily") == rules.Schedule(1)
    assert rules.schedule_from_frequency("as needed") is None


def test_an_application_not_given_for_a_coded_reason_is_accounted_for_not_missed() -> None:
    day = date(2026, 1, 5)
    recorded = {day: {1, 2}, day + timedelta(days=1): {2}}
    found = rules.missed(
        rules.Schedule(2), day, day + timedelta(days=2), recorded, lambda _d: False
    )
    assert found == [
        (day + timedelta(days=1), 1),
        (day + timedelta(days=2), 1),
        (day + timedelta(days=2), 2),
    ]


@pytest.mark.parametrize(
    ("state", "suspension", "rule"),
    [
        (DelegationState.AWAITING_GATES, None, "R16"),
        (DelegationState.SUSPENDED, "no_competent_worker", "R16"),
        (DelegationState.SUSPENDED, "consent_withdrawn", "R7"),
        (DelegationState.CLINICALLY_SUSPENDED, None, "R18"),
        (DelegationState.HANDED_BACK, None, "R18"),
    ],
)
def test_r16_an_application_of_a_task_not_live_names_the_rule_that_stopped_it(
    state: DelegationState, suspension: str | None, rule: str
) -> None:
    with pytest.raises(RuleViolation) as refused:
        rules.check_live(state, suspension, "entries[0].delegation_id")
    assert refused.value.rule == rule
    rules.check_live(DelegationState.LIVE, None, "entries[0].delegation_id")


def test_a_worker_must_be_competent_or_instructed_on_the_day() -> None:
    day, worker = date(2026, 1, 5), uuid.uuid4()
    for standing in (WorkerStanding.IN_DATE, WorkerStanding.INSTRUCTED):
        rules.check_worker(worker, standing, day, "w")
    for standing in (WorkerStanding.LAPSED, WorkerStanding.NOT_NAMED, WorkerStanding.LEFT):
        with pytest.raises(RuleViolation, match="may not carry out"):
            rules.check_worker(worker, standing, day, "w")


# Recording


async def test_r16_a_named_competent_care_worker_records_an_application_as_themselves(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        response = await given_visit(
            client, as_worker(live.workers[0]), given_entry(live.delegation_id)
        )
        listed = await client.get(
            f"/delegations/{live.delegation_id}/delivery-records", headers=MANAGER
        )
    assert response.status_code == 201, response.text
    [entry] = response.json()["entries"]
    assert (entry["worker_id"], entry["slot"], entry["due_on"]) == (
        str(live.workers[0]),
        1,
        "2026-01-05",
    )
    assert (entry["outcome"], entry["corrects"], entry["corrected_by"]) == ("given", None, None)
    assert [e["id"] for e in listed.json()["items"]] == [entry["id"]]


async def test_r16_an_application_by_a_lapsed_worker_is_refused_naming_r16(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(runtime, competence_lapsed(live.workers[0]))
        response = await given_visit(
            client, as_worker(live.workers[0]), given_entry(live.delegation_id)
        )
    assert response.status_code == 422
    assert (response.json()["rule"], response.json()["field"]) == ("R16", "entries[0].worker_id")


async def test_r16_competence_is_judged_on_the_day_of_the_application(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        first = live.workers[0]
        await deliver(runtime, competent(first, valid_until=date(2026, 1, 6)))
        clock.move(timedelta(days=1))
        late_entry_for_yesterday = await given_visit(
            client, as_worker(first), given_entry(live.delegation_id)
        )
        on_the_lapse_day = await given_visit(
            client,
            as_worker(first),
            given_entry(live.delegation_id, administered_at="2026-01-06T08:00:00+00:00"),
        )
    assert late_entry_for_yesterday.status_code == 201, late_entry_for_yesterday.text
    assert on_the_lapse_day.status_code == 422
    assert on_the_lapse_day.json()["rule"] == "R16"


async def test_r16_a_worker_not_named_on_the_delegation_is_refused(
    service_client: ServiceClient,
) -> None:
    stranger = uuid.uuid4()
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        await deliver(runtime, competent(stranger))
        response = await given_visit(
            client, MANAGER, given_entry(live.delegation_id, worker_id=str(stranger))
        )
    assert (response.status_code, response.json()["rule"]) == (422, "R16")
    assert "not named" in response.json()["detail"]


async def test_r16_a_delegation_that_is_not_live_takes_no_applications(
    service_client: ServiceClient,
) -> None:
    worker = uuid.uuid4()
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        await given_person(runtime, person_id)
        delegation_id = await given_approved(client, person_id)
        await given_accepted(client, delegation_id, [worker])
        response = await given_visit(client, as_worker(worker), given_entry(delegation_id))
    assert (response.status_code, response.json()["rule"]) == (422, "R16")
    assert response.json()["field"] == "entries[0].delegation_id"
    assert "awaiting_gates" in response.json()["detail"]


async def test_an_application_not_given_needs_a_coded_reason_and_a_change_its_code(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        worker = as_worker(live.workers[0])
        no_reason = await given_visit(
            client, worker, given_entry(live.delegation_id, outcome="not_given")
        )
        no_code = await given_visit(
            client, worker, given_entry(live.delegation_id, change_noticed=True)
        )
        future = await given_visit(
            client,
            worker,
            given_entry(live.delegation_id, administered_at="2026-01-06T08:00:00+00:00"),
        )
    assert no_reason.json()["errors"][0]["field"] == "entries[0].reason"
    assert no_code.json()["errors"][0]["field"] == "entries[0].change"
    assert future.json()["errors"][0]["field"] == "entries[0].administered_at"


async def test_a_time_without_its_offset_and_a_forged_cursor_are_refused_naming_the_field(
    service_client: ServiceClient,
) -> None:
    forged = base64.urlsafe_b64encode(json.dumps(["2026-01-05", "not-an-id", 1]).encode())
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        naive = await given_visit(
            client,
            as_worker(live.workers[0]),
            given_entry(live.delegation_id, administered_at="2026-01-05T08:30:00"),
        )
        cursor = await client.get(
            "/missed-applications", params={"cursor": forged.decode()}, headers=MANAGER
        )
        ancient = await client.get(
            "/missed-applications", params={"to": "0001-01-01"}, headers=MANAGER
        )
    assert naive.json()["errors"][0]["field"] == "entries.0.administered_at"
    assert cursor.json()["errors"][0]["field"] == "cursor"
    assert ancient.json()["errors"][0]["field"] == "to"


async def test_twice_a_day_takes_two_applications_then_asks_for_a_correction(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        worker = as_worker(live.workers[0])
        entries = [given_entry(live.delegation_id), given_entry(live.delegation_id)]
        both = await given_visit(client, worker, *entries)
        third = await given_visit(client, worker, given_entry(live.delegation_id))
    assert [e["slot"] for e in both.json()["entries"]] == [1, 2]
    assert third.status_code == 409


async def test_a_visit_records_several_tasks_at_once_all_or_none(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        cream = await given_live(client, runtime)
        drops = await given_live(client, runtime)
        lapsed = drops.workers[0]
        await deliver(runtime, competence_lapsed(lapsed))
        refused = await given_visit(
            client,
            MANAGER,
            given_entry(cream.delegation_id, worker_id=str(cream.workers[0])),
            given_entry(drops.delegation_id, worker_id=str(lapsed)),
        )
        nothing = await client.get(
            f"/delegations/{cream.delegation_id}/delivery-records", headers=MANAGER
        )
        both = await given_visit(
            client,
            MANAGER,
            given_entry(cream.delegation_id, worker_id=str(cream.workers[0])),
            given_entry(drops.delegation_id, worker_id=str(drops.workers[1])),
        )
    assert (refused.status_code, refused.json()["field"]) == (422, "entries[1].worker_id")
    assert nothing.json()["items"] == []
    assert both.status_code == 201
    visit = both.json()
    assert {e["delegation_id"] for e in visit["entries"]} == {
        cream.delegation_id,
        drops.delegation_id,
    }


async def test_an_idempotency_key_replays_the_visit_without_a_second_entry(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        worker = as_worker(live.workers[0])
        first = await given_visit(client, worker, given_entry(live.delegation_id), key="visit-1")
        again = await given_visit(client, worker, given_entry(live.delegation_id), key="visit-1")
        listed = await client.get(
            f"/delegations/{live.delegation_id}/delivery-records", headers=MANAGER
        )
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert len(listed.json()["items"]) == 1


async def test_a_care_worker_records_only_their_own_and_another_provider_nothing(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        colleague = str(live.workers[1])
        for_another = await given_visit(
            client, as_worker(live.workers[0]), given_entry(live.delegation_id, worker_id=colleague)
        )
        other_provider = await given_visit(
            client,
            bearer(Role.PROVIDER_MANAGER, "INDEPENDENT-SECTOR"),
            given_entry(live.delegation_id, worker_id=colleague),
        )
        practitioner = await given_visit(client, PRACTITIONER, given_entry(live.delegation_id))
    assert for_another.status_code == 403
    assert other_provider.status_code == 404
    assert practitioner.status_code == 403


async def test_two_visits_racing_for_one_application_have_one_winner(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        entries = [
            given_entry(live.delegation_id, slot=1, worker_id=str(worker))
            for worker in live.workers
        ]
        responses = await asyncio.gather(
            *(given_visit(client, MANAGER, entry) for entry in entries for _ in range(3))
        )
        listed = await client.get(
            f"/delegations/{live.delegation_id}/delivery-records", headers=MANAGER
        )
    assert sorted(r.status_code for r in responses) == [201] + [409] * 5
    assert len(listed.json()["items"]) == 1


# Corrections


async def test_a_correction_is_a_new_entry_pointing_at_the_one_it_corrects(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        worker = as_worker(live.workers[0])
        visit = await given_visit(client, worker, given_entry(live.delegation_id))
        [original] = visit.json()["entries"]
        correction = {"outcome": "not_given", "reason": "person_asleep", "administered_at": MORNING}
        corrected = await client.post(
            f"/delivery-records/{original['id']}/correction", json=correction, headers=worker
        )
        twice = await client.post(
            f"/delivery-records/{original['id']}/correction", json=correction, headers=worker
        )
        by_colleague = await client.post(
            f"/delivery-records/{original['id']}/correction",
            json=correction,
            headers=as_worker(live.workers[1]),
        )
        kept = await client.get(f"/delivery-records/{original['id']}", headers=MANAGER)
    assert corrected.status_code == 201, corrected.text
    [new] = corrected.json()["entries"]
    assert (new["corrects"], new["slot"], new["outcome"]) == (original["id"], 1, "not_given")
    assert kept.json()["outcome"] == "given"  # nothing overwritten
    assert kept.json()["corrected_by"] == new["id"]
    assert twice.status_code == 409
    assert by_colleague.status_code == 403


# Missed applications


async def test_missed_applications_are_computed_from_the_schedule_and_listed_a_page_at_a_time(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        worker = as_worker(live.workers[0])
        await given_visit(client, worker, given_entry(live.delegation_id))
        clock.move(timedelta(days=1))
        await given_visit(
            client,
            worker,
            given_entry(
                live.delegation_id,
                outcome="declined_by_person",
                administered_at="2026-01-06T08:00:00+00:00",
            ),
            given_entry(
                live.delegation_id,
                outcome="not_given",
                reason="person_not_at_home",
                administered_at="2026-01-06T08:45:00+00:00",
            ),
        )
        clock.move(timedelta(days=2))  # 8 January: the 7th is the last whole day
        first = await client.get("/missed-applications", params={"limit": 2}, headers=MANAGER)
        rest = await client.get(
            "/missed-applications",
            params={"limit": 2, "cursor": first.json()["next_cursor"]},
            headers=MANAGER,
        )
        elsewhere = await client.get(
            "/missed-applications", headers=bearer(Role.PROVIDER_MANAGER, "INDEPENDENT-SECTOR")
        )
        too_long = await client.get(
            "/missed-applications", params={"from": "2025-01-01"}, headers=MANAGER
        )
    day = [(m["due_on"], m["slot"]) for m in first.json()["items"] + rest.json()["items"]]
    assert day == [("2026-01-05", 2), ("2026-01-07", 1), ("2026-01-07", 2)]
    assert rest.json()["next_cursor"] is None
    assert elsewhere.json()["items"] == []
    assert too_long.status_code == 422


async def test_the_schedule_the_support_plan_sets_is_what_missed_counts_against(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        url = f"/delegations/{live.delegation_id}/schedule"
        by_provider = await client.put(url, json={"times_per_day": 1}, headers=MANAGER)
        bad_days = await client.put(
            url, json={"times_per_day": 1, "weekdays": [1, 1]}, headers=PRACTITIONER
        )
        schedule = await client.put(
            url, json={"times_per_day": 1, "weekdays": [1]}, headers=PRACTITIONER
        )
        clock.move(timedelta(days=8))  # Tuesday 13 January
        missed = await client.get(
            "/missed-applications", params={"delegation_id": live.delegation_id}, headers=MDT
        )
    assert by_provider.status_code == 403
    assert bad_days.json()["errors"][0]["field"] == "weekdays"
    assert schedule.json() == {"times_per_day": 1, "weekdays": [1], "source": "support_plan"}
    assert [(m["due_on"], m["slot"]) for m in missed.json()["items"]] == [
        ("2026-01-05", 1),
        ("2026-01-12", 1),
    ]


async def test_r18_days_health_covered_after_a_handback_are_not_missed_by_social_care(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        clock.move(timedelta(days=1))  # 6 January: nobody competent is left; the task returns
        for worker in live.workers:
            await deliver(runtime, competence_lapsed(worker, on=date(2026, 1, 6)))
        refused = await given_visit(
            client,
            as_worker(live.workers[0]),
            given_entry(live.delegation_id, administered_at="2026-01-06T08:30:00+00:00"),
        )
        clock.move(timedelta(days=3))
        missed = await client.get("/missed-applications", headers=MANAGER)
    assert (refused.status_code, refused.json()["rule"]) == (422, "R16")
    assert [(m["due_on"], m["slot"]) for m in missed.json()["items"]] == [
        ("2026-01-05", 1),
        ("2026-01-05", 2),
    ]


# A change noticed (R8)


async def test_r8_a_change_noticed_reaches_the_oversight_owner_as_a_change_in_need_to_consider(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        worker = as_worker(live.workers[0])
        noticed = given_entry(live.delegation_id, change_noticed=True, change="new_broken_skin")
        first = await given_visit(client, worker, noticed)
        second = await given_visit(client, worker, noticed)
        events = await published(runtime, ChangeNoticed)
        reviews = await published(runtime, ReviewDue)
    assert (first.status_code, second.status_code) == (201, 201)
    assert len(events) == 2
    one, two = events
    assert isinstance(one, ChangeNoticed)
    assert isinstance(two, ChangeNoticed)
    assert (one.change, one.oversight_owner, one.noticed_on) == (
        NoticedChange.NEW_BROKEN_SKIN,
        "LPT",
        date(2026, 1, 5),
    )
    assert one.record_id == uuid.UUID(first.json()["entries"][0]["id"])
    [review] = [r for r in reviews if isinstance(r, ReviewDue)]
    assert (review.reason, review.mdt_reassessment) == (ReviewReason.CHANGE_IN_NEED, False)
    assert one.review_id == two.review_id == review.review_id  # one review to consider
    assert "skin looks calmer" not in one.model_dump_json()


# Standalone mode: the same code on SQLite


def on_sqlite(tmp_path: Path, clock: MovableClock) -> AbstractAsyncContextManager[Any]:
    return sqlite_client(DELEGATION, tmp_path / "delegation.db", clock)


async def test_r16_r8_r17_delivery_and_oversight_visits_work_the_same_on_sqlite(
    tmp_path: Path, clock: MovableClock
) -> None:
    async with on_sqlite(tmp_path, clock) as (client, runtime):
        live = await given_live(client, runtime)
        worker = as_worker(live.workers[0])
        noticed = given_entry(live.delegation_id, change_noticed=True, change="swelling")
        visit = await given_visit(client, worker, noticed, given_entry(live.delegation_id))
        [first, _second] = visit.json()["entries"]
        correction = {
            "outcome": "partly_given",
            "reason": "skin_broken",
            "administered_at": MORNING,
        }
        corrected = await client.post(
            f"/delivery-records/{first['id']}/correction", json=correction, headers=worker
        )
        tasks = await client.get("/delegated-tasks", headers=worker)
        clock.move(timedelta(days=2))
        missed = await client.get("/missed-applications", headers=MANAGER)
        events = await published(runtime, ChangeNoticed)
        oversight = {"visited_on": "2026-01-07", "findings": ["no_concerns"]}
        visited = await client.post(
            f"/delegations/{live.delegation_id}/oversight-visits",
            json=oversight,
            headers=PRACTITIONER,
        )
        due = await client.get("/oversight-visits/due", headers=PRACTITIONER)
    assert visit.status_code == 201, visit.text
    assert corrected.status_code == 201, corrected.text
    assert [t["delegation_id"] for t in tasks.json()["items"]] == [live.delegation_id]
    assert [(m["due_on"], m["slot"]) for m in missed.json()["items"]] == [
        ("2026-01-06", 1),
        ("2026-01-06", 2),
    ]
    assert len(events) == 1
    assert visited.status_code == 201, visited.text
    # this decision set no interval
    assert due.json() == {"items": [], "next_cursor": None, "next": None}


async def test_r8_the_oversight_owner_lists_the_changes_noticed_on_the_tasks_it_oversees(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        worker = as_worker(live.workers[0])
        noticed = given_entry(live.delegation_id, change_noticed=True, change="swelling")
        await given_visit(client, worker, noticed, given_entry(live.delegation_id))
        owner = await client.get("/changes-noticed", headers=PRACTITIONER)
        gp = await client.get("/changes-noticed", headers=GP_PRACTITIONER)
        provider = await client.get("/changes-noticed", headers=MANAGER)
    [change] = owner.json()["items"]
    assert (change["change"], change["delegation_id"]) == ("swelling", live.delegation_id)
    assert change["observations"] == "skin looks calmer"  # the owner reads the worker's words
    assert gp.json()["items"] == []  # not the owner of this task
    assert provider.status_code == 403
