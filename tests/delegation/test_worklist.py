"""The delegation service's worklist (issue 16, items 5 and 7): each kind of work for the role and
organisation whose work it is, soonest due first, filtered and paged; the events that feed it
(ReviewDue, CompetenceExpiryWarned, OversightTransferred)."""

from __future__ import annotations

import uuid
from contextlib import AbstractAsyncContextManager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import select

from services.delegation.domain.delegations import Oversight
from services.delegation.handlers.delegations import transfer_oversight
from services.delegation.main import SPEC as DELEGATION
from services.delegation.models import CompetenceWarning, Delegation, Handback, Review
from services.delegation.queries.worklist import OWNERS, SOURCES
from shared import worklist
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.assessment import NeedChanged
from shared.events.training import CompetenceExpiryWarned, CompetenceLapsed, LapseCause
from shared.events.vocabulary import OversightKind
from shared.service import Runtime
from shared.testing.events import deliver
from shared.worklist import Computed, Source
from tests.conftest import ServiceClient, bearer, sqlite_client, token
from tests.delegation.conftest import (
    GP,
    GP_PRACTITIONER,
    MANAGER,
    MDT,
    PRACTITIONER,
    PROVIDER,
    Live,
    competent,
    given_approved,
    given_live,
    given_person,
    given_proposal,
    given_relationships,
    run_review_job,
    withdrawn,
)
from tests.pages import walk

Json = dict[str, Any]
LPT_MDT = bearer(Role.MDT_MEMBER, "LPT")
OTHER_MANAGER = bearer(Role.PROVIDER_MANAGER, "ANOTHER-PROVIDER")
COMMISSIONER = bearer(Role.COMMISSIONER, "LEICESTER-CITY-COUNCIL")
EVERY_TEN_DAYS = {
    "risk": {
        "stability": "stable",
        "complexity": "low",
        "expected_outcome": "skin heals; the person stays at home",
        "mitigations": ["carers record each application"],
        "oversight_interval_days": 10,
    }
}


async def work(client: AsyncClient, headers: dict[str, str], **params: Any) -> list[Json]:
    """The caller's whole worklist (one page of up to 200)."""
    response = await client.get("/worklist", params={"limit": 200} | params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["next_cursor"] is None
    items: list[Json] = response.json()["items"]
    return items


def kinds(items: list[Json]) -> list[str]:
    return [i["kind"] for i in items]


def expiry_warned(
    worker_id: uuid.UUID, expires_on: date, days_before: int = 60, provider: str = PROVIDER
) -> CompetenceExpiryWarned:
    return CompetenceExpiryWarned(
        worker_id=worker_id,
        task_code="topical-cream",
        provider_organisation=provider,
        expires_on=expires_on,
        days_before=days_before,
    )


async def transfer_to_gp(runtime: Runtime, live: Live, on: date = date(2026, 1, 5)) -> None:
    """R17: oversight moves from CHS (LPT) to the person's GP practice (OversightTransferred)."""
    async with runtime.sessions() as session, session.begin():
        delegation = await session.get_one(Delegation, uuid.UUID(live.delegation_id))
        await transfer_oversight(session, delegation, Oversight(OversightKind.PRIMARY_CARE, GP), on)
    await given_relationships(runtime)  # assessment relates the new owner (conftest)


# ----------------------------------------------------------------------------------------------
# The merge, pure


async def _no_rows(_session: Any, _user: Any, _on: date) -> list[Computed]:
    return []


def test_a_worklist_has_one_source_per_kind() -> None:
    twice = [Source("visit_due", OWNERS, _no_rows, f"/{n}") for n in ("a", "b")]
    with pytest.raises(ValueError, match="twice"):
        worklist.router(twice)
    assert len(SOURCES) == len({s.kind for s in SOURCES}) == 9


def test_a_page_of_computed_rows_starts_after_the_cursor_in_due_date_kind_and_id_order() -> None:
    rows = [Computed(date(2026, 1, d), f"x{n}") for d in (5, 6) for n in (2, 1)]
    source = Source("m_kind", OWNERS, _no_rows, "/{id}", str)
    everything = worklist.WorkFilter()

    def page(mark: worklist.Mark | None, limit: int = 10) -> list[tuple[date, str]]:
        found = worklist._computed_page(rows, source, date(2026, 1, 6), everything, limit, mark)
        return [(due_on, id_) for due_on, _kind, id_, _person, _subject in found]

    assert page(None) == [
        (date(2026, 1, 5), "x1"),
        (date(2026, 1, 5), "x2"),
        (date(2026, 1, 6), "x1"),
        (date(2026, 1, 6), "x2"),
    ]
    assert page(None, limit=1) == [(date(2026, 1, 5), "x1"), (date(2026, 1, 5), "x2")]
    same_kind = worklist.Mark(date(2026, 1, 5), "m_kind", "x2")
    assert page(same_kind) == [(date(2026, 1, 6), "x1"), (date(2026, 1, 6), "x2")]
    # an earlier kind's item on the 5th: this kind's items of the 5th still follow it
    assert len(page(worklist.Mark(date(2026, 1, 5), "a_kind", "x9"))) == 4
    # a later kind's item on the 5th: this kind's items of the 5th came before it
    assert len(page(worklist.Mark(date(2026, 1, 5), "z_kind", "x0"))) == 2
    overdue = worklist.WorkFilter(overdue=True)
    found = worklist._computed_page(rows, source, date(2026, 1, 6), overdue, 10, None)
    assert [f[0] for f in found] == [date(2026, 1, 5)] * 2


# ----------------------------------------------------------------------------------------------
# The MDT's organisations


async def test_the_mdt_sees_proposals_awaiting_its_decision_and_nobody_else_does(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        waiting, decided = uuid.uuid4(), uuid.uuid4()
        for person_id in (waiting, decided):
            await given_person(runtime, person_id)
        proposal_id = await given_proposal(client, waiting)
        await given_approved(client, decided)
        mdt = await work(client, LPT_MDT)
        unrelated = await work(client, bearer(Role.MDT_MEMBER, "UHL"))
        provider = await work(client, MANAGER, kind=["proposal_awaiting_decision"])
    assert [(i["kind"], i["subject"], i["person_id"]) for i in mdt] == [
        ("proposal_awaiting_decision", f"/proposals/{proposal_id}", str(waiting))
    ]
    assert mdt[0]["due_on"] == "2026-01-05"
    assert mdt[0]["overdue"] is False
    assert unrelated == []  # no relationship with the person
    assert provider == []  # not the provider's kind of work


async def test_r26_review_due_the_scheduler_raises_it_and_marks_it_for_the_mdts_worklist(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        before = await work(client, MDT, kind=["review_due"])
        clock.move(timedelta(days=90))  # 5 April 2026: the three-month review
        await run_review_job(runtime)
        async with runtime.sessions() as session:
            [review] = (
                await session.scalars(
                    select(Review).where(Review.delegation_id == uuid.UUID(live.delegation_id))
                )
            ).all()
        on_the_day = await work(client, MDT, kind=["review_due"])
        clock.move(timedelta(days=1))
        overdue = await work(client, MDT, kind=["review_due"], overdue=True)
        by_owner = await work(client, PRACTITIONER, kind=["review_due"])
        council = await work(client, bearer(Role.MDT_MEMBER, "LEICESTER-CITY-COUNCIL"))
        other_mdt = await work(client, bearer(Role.MDT_MEMBER, "UHL"), kind=["review_due"])
        read = await client.get(f"/reviews/{review.id}", headers=MDT)
        stranger = await client.get(f"/reviews/{review.id}", headers=OTHER_MANAGER)
    assert before == []
    assert review.raised_on == date(2026, 4, 5)  # marked with its ReviewDue, in one transaction
    assert [(i["kind"], i["subject"], i["due_on"]) for i in on_the_day] == [
        ("review_due", f"/reviews/{review.id}", "2026-04-05")
    ]
    assert [i["overdue"] for i in overdue] == [True]
    assert kinds(by_owner) == ["review_due"]  # LPT: an MDT organisation and the owner
    assert "review_due" in kinds(council)  # the council sat on the MDT
    assert other_mdt == []
    assert read.status_code == 200
    assert read.json()["due_date"] == "2026-04-05"
    assert stranger.status_code == 404


# ----------------------------------------------------------------------------------------------
# The provider's managers


async def test_r15_a_delegation_awaits_its_providers_acceptance_on_its_worklist_only(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id = uuid.uuid4()
        await given_person(runtime, person_id)
        delegation_id = await given_approved(client, person_id)
        mine = await work(client, MANAGER)
        other = await work(client, OTHER_MANAGER)
        accepted = await client.post(
            f"/delegations/{delegation_id}/acceptance",
            json={
                "worker_ids": [str(uuid.uuid4())],
                "training_confirmed": True,
                "supervision_confirmed": True,
                "insurance_and_indemnity_confirmed": True,
            },
            headers=MANAGER,
        )
        after = await work(client, MANAGER, kind=["delegation_awaiting_acceptance"])
    assert [(i["kind"], i["subject"], i["due_on"]) for i in mine] == [
        ("delegation_awaiting_acceptance", f"/delegations/{delegation_id}", "2026-01-05")
    ]
    assert other == []
    assert accepted.status_code == 200, accepted.text
    assert after == []


async def test_r16_a_missed_application_shows_on_the_providers_worklist(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        today = await work(client, MANAGER, kind=["missed_application"])
        clock.move(timedelta(days=1))  # 6 January: the 5th's two applications were missed
        missed = await work(client, MANAGER, kind=["missed_application"])
        other = await work(client, OTHER_MANAGER)
        owner = await work(client, PRACTITIONER, kind=["missed_application"])
    assert today == []
    assert [(i["due_on"], i["overdue"], i["person_id"]) for i in missed] == [
        ("2026-01-05", True, str(live.person_id))
    ] * 2
    assert missed[0]["subject"] == (
        f"/missed-applications?delegation_id={live.delegation_id}&from=2026-01-05&to=2026-01-05"
    )
    assert other == []
    assert owner == []  # not the owner's kind of work


async def test_r16_an_expiring_competence_shows_60_days_ahead_until_a_new_one_clears_it(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    """The case study: training warns 60 days before a carer's competence expires (at the
    IPCB's days); the provider sees it on its worklist, once however often the warning comes,
    until the carer is reassessed."""
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        carer = live.workers[0]
        expires_on = date(2026, 3, 6)  # 60 days from 5 January
        await deliver(runtime, competent(carer, valid_until=expires_on))
        nothing_yet = await work(client, MANAGER, kind=["competence_expiring"])
        warning = expiry_warned(carer, expires_on)
        await deliver(runtime, warning)
        await deliver(runtime, warning.model_copy(update={"event_id": uuid.uuid4()}))
        warned = await work(client, MANAGER, kind=["competence_expiring"])
        within_60 = await work(client, MANAGER, kind=["competence_expiring"], due_within_days=60)
        within_59 = await work(client, MANAGER, kind=["competence_expiring"], due_within_days=59)
        other = await work(client, OTHER_MANAGER)
        async with runtime.sessions() as session:
            rows = (await session.scalars(select(CompetenceWarning))).all()
        await deliver(runtime, competent(carer, valid_until=date(2027, 3, 6)))  # reassessed
        cleared = await work(client, MANAGER, kind=["competence_expiring"])
    assert nothing_yet == []
    assert [(i["kind"], i["due_on"], i["subject"], i["person_id"]) for i in warned] == [
        (
            "competence_expiring",
            "2026-03-06",
            f"/delegations/{live.delegation_id}",
            str(live.person_id),
        )
    ]
    assert (len(within_60), within_59) == (1, [])
    assert [(r.worker_id, r.days_before) for r in rows] == [(carer, 60)]  # once, redelivered
    assert other == []
    assert cleared == []


async def test_r16_r25_a_lapse_clears_the_expiry_warning_and_an_old_warning_changes_nothing(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        carer, other_carer = live.workers
        expires_on = date(2026, 3, 6)
        for worker in (carer, other_carer):
            await deliver(runtime, competent(worker, valid_until=expires_on))
            await deliver(runtime, expiry_warned(worker, expires_on, 60))
        both = await work(client, MANAGER, kind=["competence_expiring"])
        await deliver(  # R25: a refresher missed lapses the first carer's competence early
            runtime,
            CompetenceLapsed(
                worker_id=carer,
                task_code="topical-cream",
                provider_organisation=PROVIDER,
                lapsed_on=date(2026, 1, 5),
                cause=LapseCause.REFRESHER_MISSED,
            ),
        )
        # an older competence's 90-day warning, arriving late, does not bring it back
        await deliver(runtime, expiry_warned(carer, date(2026, 2, 1), 90))
        one = await work(client, MANAGER, kind=["competence_expiring"])
    assert len(both) == 2
    assert [i["subject"] for i in one] == [f"/delegations/{live.delegation_id}"]
    assert len(one) == 1


# ----------------------------------------------------------------------------------------------
# The oversight owner


async def test_r17_r18_r8_the_oversight_owner_sees_handbacks_visits_changes_and_its_tasks(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime, decision=EVERY_TEN_DAYS)
        carer = {
            "Authorization": "Bearer "
            + token(Role.CARE_WORKER, PROVIDER, user_id=str(live.workers[0]))
        }
        entry = {
            "delegation_id": live.delegation_id,
            "outcome": "given",
            "administered_at": "2026-01-05T08:30:00+00:00",
            "change_noticed": True,
            "change": "swelling",
        }
        recorded = await client.post("/delivery-records", json={"entries": [entry]}, headers=carer)
        before = await work(client, PRACTITIONER)
        await deliver(runtime, withdrawn(live))  # R7: the task stops and returns to LPT
        after = await work(client, PRACTITIONER)
        gp = await work(client, GP_PRACTITIONER)
        provider = await work(client, MANAGER, kind=["handback_to_acknowledge"])
    assert recorded.status_code == 201, recorded.text
    record_id = recorded.json()["entries"][0]["id"]
    by_kind = {i["kind"]: i for i in before}
    assert by_kind["visit_due"]["due_on"] == "2026-01-15"  # ten days after the start
    assert by_kind["visit_due"]["subject"] == f"/delegations/{live.delegation_id}/oversight-visits"
    assert by_kind["change_noticed"]["subject"] == f"/delivery-records/{record_id}"
    assert by_kind["delegation_overseen"]["due_on"] == "2026-04-05"  # its next review
    assert by_kind["review_due"]["due_on"] == "2026-01-05"  # the change raised one
    assert "handback_to_acknowledge" not in by_kind
    [handback] = [i for i in after if i["kind"] == "handback_to_acknowledge"]
    assert handback["due_on"] == "2026-01-06"  # the IPCB's one day
    assert gp == []
    assert provider == []
    due_dates = [i["due_on"] for i in after]
    assert due_dates == sorted(due_dates)  # soonest first


async def test_r8_a_change_noticed_leaves_the_worklist_once_a_review_has_considered_it(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime)
        carer = {
            "Authorization": "Bearer "
            + token(Role.CARE_WORKER, PROVIDER, user_id=str(live.workers[0]))
        }
        entry = {
            "delegation_id": live.delegation_id,
            "outcome": "given",
            "administered_at": "2026-01-05T08:30:00+00:00",
            "change_noticed": True,
            "change": "swelling",
        }
        await client.post("/delivery-records", json={"entries": [entry]}, headers=carer)
        noticed = await work(client, PRACTITIONER, kind=["change_noticed"])
        [review] = await work(client, MDT, kind=["review_due"])
        done = await client.post(
            f"{review['subject']}/outcome", json={"outcome": "continue"}, headers=MDT
        )
        considered = await work(client, PRACTITIONER, kind=["change_noticed", "review_due"])
    assert len(noticed) == 1
    assert done.status_code == 200, done.text
    assert considered == []


async def test_r17_oversight_transferred_moves_the_task_and_its_open_handback_to_the_new_owner(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        live = await given_live(client, runtime, decision=EVERY_TEN_DAYS)
        await deliver(runtime, withdrawn(live))  # a handback open to LPT
        lpt_before = kinds(await work(client, PRACTITIONER))
        await transfer_to_gp(runtime, live)
        lpt_after = await work(client, PRACTITIONER)
        gp_after = await work(client, GP_PRACTITIONER)
        async with runtime.sessions() as session:
            [handback] = (await session.scalars(select(Handback))).all()
        by_old_owner = await client.post(
            f"/handbacks/{handback.id}/acknowledgement",
            json={"cover": "district_nursing"},
            headers=PRACTITIONER,
        )
        acknowledged = await client.post(
            f"/handbacks/{handback.id}/acknowledgement",
            json={"cover": "district_nursing"},
            headers=GP_PRACTITIONER,
        )
    assert {"handback_to_acknowledge", "visit_due", "delegation_overseen"} <= set(lpt_before)
    assert lpt_after == []  # the old owner no longer sees it
    assert {"handback_to_acknowledge", "visit_due", "delegation_overseen"} == set(kinds(gp_after))
    assert (handback.oversight_owner, handback.oversight_kind) == (GP, "primary_care")
    assert acknowledged.status_code == 200, acknowledged.text
    assert by_old_owner.status_code in (403, 404), by_old_owner.text


# ----------------------------------------------------------------------------------------------
# Filters and paging


async def test_the_worklist_filters_by_kind_due_date_overdue_and_person(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        first = await given_live(client, runtime, decision=EVERY_TEN_DAYS)
        second = await given_live(client, runtime)
        clock.move(timedelta(days=12))  # 17 January: the first's visit (15th) is overdue
        everything = await work(client, PRACTITIONER)
        visits = await work(client, PRACTITIONER, kind=["visit_due"])
        two_kinds = await work(client, PRACTITIONER, kind=["visit_due", "delegation_overseen"])
        overdue = await work(client, PRACTITIONER, overdue=True)
        not_overdue = await work(client, PRACTITIONER, overdue=False)
        soon = await work(client, PRACTITIONER, due_within_days=30)
        of_second = await work(client, PRACTITIONER, person_id=str(second.person_id))
        bad_kind = await client.get(
            "/worklist", params={"kind": ["visit_due", "nonsense"]}, headers=PRACTITIONER
        )
        bad_first = await client.get("/worklist", params={"kind": "x"}, headers=PRACTITIONER)
        bad_cursor = await client.get(
            "/worklist", params={"cursor": "not-a-cursor"}, headers=PRACTITIONER
        )
        too_many = await client.get("/worklist", params={"limit": 201}, headers=PRACTITIONER)
        auditor = await client.get("/worklist", headers=bearer(Role.AUDITOR))
    assert kinds(visits) == ["visit_due"]
    assert set(kinds(two_kinds)) == {"visit_due", "delegation_overseen"}
    assert [(i["kind"], i["due_on"]) for i in overdue] == [("visit_due", "2026-01-15")]
    assert all(i["overdue"] for i in overdue)
    assert not any(i["overdue"] for i in not_overdue)
    assert len(overdue) + len(not_overdue) == len(everything)
    assert [i["kind"] for i in soon] == ["visit_due"]  # the reviews are in April
    assert {i["person_id"] for i in of_second} == {str(second.person_id)}
    assert of_second
    assert str(first.person_id) not in {i["person_id"] for i in of_second}
    assert (bad_kind.status_code, bad_kind.json()["errors"][0]["field"]) == (422, "kind.1")
    assert (bad_first.status_code, bad_first.json()["errors"][0]["field"]) == (422, "kind.0")
    assert (bad_cursor.status_code, bad_cursor.json()["errors"][0]["field"]) == (422, "cursor")
    assert too_many.status_code == 422
    assert "limit" in too_many.text
    assert auditor.status_code == 403


async def test_a_worklist_of_several_kinds_walked_one_at_a_time_shows_each_item_once_in_order(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    """Paging merges the kinds by (due date, kind, id): with limit=1 every item comes once, in
    the order of the whole list, across kinds due the same day and kinds of text ids."""
    async with service_client(DELEGATION) as (client, runtime):
        lives = [await given_live(client, runtime, decision=EVERY_TEN_DAYS) for _ in range(3)]
        await given_proposal(client, lives[0].person_id, task_code="eye-drops")
        await deliver(runtime, withdrawn(lives[1]))
        carer = {
            "Authorization": "Bearer "
            + token(Role.CARE_WORKER, PROVIDER, user_id=str(lives[2].workers[0]))
        }
        entry = {
            "delegation_id": lives[2].delegation_id,
            "outcome": "given",
            "administered_at": "2026-01-05T08:30:00+00:00",
            "change_noticed": True,
            "change": "swelling",
        }
        noticed = await client.post("/delivery-records", json={"entries": [entry]}, headers=carer)
        assert noticed.status_code == 201, noticed.text
        clock.move(timedelta(days=2))  # the handback and two days' missed applications overdue
        owner = await work(client, PRACTITIONER)
        walked = await walk(client, "/worklist", PRACTITIONER, limit=1)
        in_twos = await walk(client, "/worklist", PRACTITIONER, limit=2)
        provider = await work(client, MANAGER)
        provider_walked = await walk(client, "/worklist", MANAGER, limit=1)
        filtered = await walk(
            client, "/worklist", PRACTITIONER, limit=1, kind=["visit_due", "review_due"]
        )
    assert len(set(kinds(owner))) == 6  # several kinds, three of them due on the 5th
    assert {i["kind"] for i in owner if i["due_on"] == "2026-01-05"} == {
        "change_noticed",
        "proposal_awaiting_decision",
        "review_due",
    }
    assert walked == owner
    assert in_twos == owner
    assert [(i["due_on"], i["kind"]) for i in owner] == sorted(
        (i["due_on"], i["kind"]) for i in owner
    )
    assert len({i["subject"] for i in owner}) == len(owner)
    assert len(provider) >= 6
    assert provider_walked == provider
    assert filtered == [i for i in owner if i["kind"] in ("visit_due", "review_due")]


# ----------------------------------------------------------------------------------------------
# Standalone mode: the same worklist on SQLite


def on_sqlite(tmp_path: Path, clock: MovableClock) -> AbstractAsyncContextManager[Any]:
    return sqlite_client(DELEGATION, tmp_path / "delegation.db", clock)


async def test_the_worklist_works_the_same_on_sqlite(tmp_path: Path, clock: MovableClock) -> None:
    async with on_sqlite(tmp_path, clock) as (client, runtime):
        live = await given_live(client, runtime, decision=EVERY_TEN_DAYS)
        waiting = uuid.uuid4()
        await given_person(runtime, waiting)
        await given_proposal(client, waiting)
        awaiting = uuid.uuid4()
        await given_person(runtime, awaiting)
        await given_approved(client, awaiting, task_code="eye-drops")
        await deliver(
            runtime,
            NeedChanged(
                person_id=live.person_id,
                change_id=uuid.uuid4(),
                significant=False,
                recorded_on=date(2026, 1, 5),
            ),
        )
        await deliver(runtime, competent(live.workers[0], valid_until=date(2026, 3, 6)))
        await deliver(runtime, expiry_warned(live.workers[0], date(2026, 3, 6)))
        clock.move(timedelta(days=1))
        owner = await work(client, PRACTITIONER)
        owner_walked = await walk(client, "/worklist", PRACTITIONER, limit=1)
        mdt = await work(client, MDT)
        provider = await work(client, MANAGER)
        provider_walked = await walk(client, "/worklist", MANAGER, limit=1)
    assert set(kinds(owner)) == {
        "proposal_awaiting_decision",
        "review_due",
        "visit_due",
        "delegation_overseen",
    }
    assert owner_walked == owner
    assert kinds(mdt) == ["review_due"]  # the ICB sat on the MDT; it has no tie to the others
    assert set(kinds(provider)) == {
        "delegation_awaiting_acceptance",
        "missed_application",
        "competence_expiring",
    }
    assert provider_walked == provider
