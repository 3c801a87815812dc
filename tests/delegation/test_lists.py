"""Every delegation list pages alike (issue 16, item 8): a capped `limit`, an opaque `cursor`,
the `next` link and its `Link` header; walked a page at a time nothing repeats and nothing is
skipped; a limit over 200 or a cursor the service did not give is a 422 naming the parameter;
each list filters on its obvious fields."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from httpx import AsyncClient

from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.assessment import NeedChanged
from shared.events.governance import CatalogueChange, TaskCatalogueChanged
from shared.events.vocabulary import Delegability, TaskCategory
from shared.service import Runtime
from shared.testing.events import deliver
from tests.conftest import ServiceClient, bearer, token
from tests.delegation.conftest import (
    CITY,
    MANAGER,
    MDT,
    PRACTITIONER,
    PROVIDER,
    Live,
    given_approved,
    given_live,
    given_no_consensus_body,
    given_person,
    given_proposal,
    given_relationships,
    run_review_job,
    shared_care_decided,
)
from tests.pages import walk

Json = dict[str, Any]
AUDITOR = bearer(Role.AUDITOR)
LPT_MDT = bearer(Role.MDT_MEMBER, "LPT")
EVERY_TEN_DAYS = {
    "risk": {
        "stability": "stable",
        "complexity": "low",
        "expected_outcome": "skin heals; the person stays at home",
        "mitigations": ["carers record each application"],
        "oversight_interval_days": 10,
    }
}


async def whole(
    client: AsyncClient, path: str, headers: dict[str, str], **params: Any
) -> list[Json]:
    response = await client.get(path, params={"limit": 200} | params, headers=headers)
    assert response.status_code == 200, response.text
    assert response.json()["next"] is None
    items: list[Json] = response.json()["items"]
    return items


async def refusals(client: AsyncClient, path: str, headers: dict[str, str]) -> list[str]:
    """The fields a limit over the cap and a forged cursor are refused naming."""
    named = []
    for params in ({"limit": 201}, {"cursor": "bm90IG91cnM="}, {"cursor": "%%%"}):
        response = await client.get(path, params=params, headers=headers)
        assert response.status_code == 422, (path, params, response.text)
        named.append(str(response.json()["errors"][0]["field"]))
    return named


def key(item: Json) -> str:
    """What identifies an item of any list."""
    for name in ("id", "ruling_id", "code"):
        if name in item:
            return f"{item[name]}/{item.get('task_code', '')}"
    return "/".join(str(item[k]) for k in sorted(item))


@dataclass
class World:
    lives: list[Live]
    awaiting: str  # a delegation awaiting acceptance
    proposal_id: str  # decided twice: no consensus, then Shared Care
    record_ids: list[str]


async def given_world(client: AsyncClient, runtime: Runtime, clock: MovableClock) -> World:
    """Three live delegations (two checked every ten days), one awaiting acceptance, one
    decided by Shared Care; reviews, deliveries, changes noticed and visits."""
    lives = [
        await given_live(client, runtime, decision=EVERY_TEN_DAYS),
        await given_live(client, runtime, decision=EVERY_TEN_DAYS),
        await given_live(client, runtime),
    ]
    person_id = uuid.uuid4()
    await given_person(runtime, person_id)
    awaiting = await given_approved(client, person_id, task_code="eye-drops")
    shared = uuid.uuid4()
    await given_person(runtime, shared)
    proposal_id = await given_proposal(client, shared, task_code="peg-feeding")
    await client.post(
        f"/proposals/{proposal_id}/decision", json=given_no_consensus_body(), headers=MDT
    )
    await given_relationships(runtime)
    clock.move(timedelta(days=1))  # decided on another day than the MDT's
    await deliver(
        runtime,
        shared_care_decided(
            proposal_id,
            shared,
            task_code="peg-feeding",
            category=TaskCategory.FEEDING_AND_DIGESTIVE,
            decided_on=date(2026, 1, 6),
        ),
    )
    await given_relationships(runtime)
    for ruling in range(3):
        await deliver(
            runtime,
            TaskCatalogueChanged(
                subject_id=f"task-new-{ruling}",
                ruling_id=uuid.uuid4(),
                change=CatalogueChange.ADDED,
                task_code=f"new-task-{ruling}",
                name=f"A new task {ruling}",
                category=TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
                delegability=Delegability.ROUTINE,
                effective_from=date(2026, 2, ruling + 1),
            ),
        )
    carer = {
        "Authorization": "Bearer "
        + token(Role.CARE_WORKER, PROVIDER, user_id=str(lives[0].workers[0]))
    }
    record_ids = []
    for hour, noticed in ((6, True), (7, False), (8, True)):
        entry = {
            "delegation_id": lives[0].delegation_id,
            "outcome": "given",
            "administered_at": f"2026-01-06T{hour:02d}:30:00+00:00",
            "change_noticed": noticed,
        } | ({"change": "swelling"} if noticed else {})
        response = await client.post("/delivery-records", json={"entries": [entry]}, headers=carer)
        if response.status_code == 201:
            record_ids.append(response.json()["entries"][0]["id"])
        else:  # twice a day: the third of the day is refused (a correction is asked for)
            assert response.status_code == 409, response.text
    for live in lives:  # R26: two changes in need each
        for _change in range(2):
            await deliver(
                runtime,
                NeedChanged(
                    person_id=live.person_id,
                    change_id=uuid.uuid4(),
                    significant=False,
                    recorded_on=date(2026, 1, 6),
                ),
            )
    clock.move(timedelta(days=90))  # 6 April: the three-month reviews, the changes' overdue
    await run_review_job(runtime)
    for day in (6, 7, 8):
        visit = {
            "visited_on": f"2026-01-0{day}",
            "findings": ["records_complete"],
            "spot_checks": [],
            "actions": ["continue_as_planned"],
        }
        response = await client.post(
            f"/delegations/{lives[0].delegation_id}/oversight-visits",
            json=visit,
            headers=PRACTITIONER,
        )
        assert response.status_code == 201, response.text
    clock.move(timedelta(days=1))
    return World(lives, awaiting, proposal_id, record_ids)


async def test_every_delegation_list_walks_page_by_page_with_nothing_repeated_or_skipped(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        world = await given_world(client, runtime, clock)
        first = world.lives[0].delegation_id
        carer = {
            "Authorization": "Bearer "
            + token(Role.CARE_WORKER, PROVIDER, user_id=str(world.lives[0].workers[0]))
        }
        lists: list[tuple[str, dict[str, str], Json, int]] = [
            ("/tasks", AUDITOR, {}, 5),
            ("/tasks/rulings", AUDITOR, {}, 3),
            (f"/proposals/{world.proposal_id}/decisions", MDT, {}, 2),
            ("/proposals", LPT_MDT, {}, 5),
            ("/delegations", MDT, {}, 4),
            (f"/delegations/{first}/reviews", MDT, {}, 3),
            ("/reviews/overdue", MDT, {}, 6),
            ("/delegated-tasks", carer, {}, 1),
            (f"/delegations/{first}/delivery-records", MANAGER, {}, 2),
            ("/missed-applications", MANAGER, {"from": "2026-01-05", "to": "2026-01-10"}, 10),
            ("/changes-noticed", PRACTITIONER, {}, 1),
            (f"/delegations/{first}/oversight-visits", PRACTITIONER, {}, 3),
            ("/oversight-visits/due", PRACTITIONER, {}, 2),
        ]
        for path, headers, params, at_least in lists:
            everything = await whole(client, path, headers, **params)
            assert len(everything) >= at_least, (path, len(everything))
            for limit in (1, 2):
                walked = await walk(client, path, headers, limit=limit, **params)
                assert [key(i) for i in walked] == [key(i) for i in everything], (path, limit)
            assert len({key(i) for i in everything}) == len(everything), path
            assert await refusals(client, path, headers) == ["query.limit", "cursor", "cursor"], (
                path
            )


async def test_the_lists_filter_on_their_obvious_fields(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        world = await given_world(client, runtime, clock)
        _first, third = world.lives[0], world.lives[2]

        async def ids(path: str, headers: dict[str, str] = MDT, **params: Any) -> set[str]:
            return {
                str(i.get("id", i.get("code")))
                for i in await whole(client, path, headers, **params)
            }

        live = await ids("/delegations", state="live")
        awaiting = await ids("/delegations", state="awaiting_acceptance", headers=MANAGER)
        eye_drops = await ids("/delegations", task_code="eye-drops", headers=MANAGER)
        of_person = await ids("/delegations", person_id=str(third.person_id))
        by_provider = await ids("/delegations", provider_organisation=PROVIDER)
        overseen = await ids("/delegations", oversight_owner="LPT")
        nobody = await ids("/delegations", provider_organisation="ANOTHER-PROVIDER")
        unknown = await client.get(
            "/delegations", params={"oversight_owner": "NOT-A-PARTNER"}, headers=MDT
        )
        bad_state = await client.get("/delegations", params={"state": "asleep"}, headers=MDT)
        due = await whole(client, f"/delegations/{third.delegation_id}/reviews", MDT, state="due")
        completed = await whole(
            client, f"/delegations/{third.delegation_id}/reviews", MDT, state="completed"
        )
        overdue_of_third = await whole(
            client, "/reviews/overdue", MDT, person_id=str(third.person_id)
        )
        skin = await ids("/tasks", AUDITOR, category="compromised_skin_integrity_and_wound_care")
        never = await ids("/tasks", AUDITOR, delegability="never")
        prompts = await ids("/tasks", AUDITOR, needs_specific_training=False)
        rulings = await whole(client, "/tasks/rulings", AUDITOR, task_code="new-task-1")
        bad_category = await client.get("/tasks", params={"category": "x"}, headers=AUDITOR)
    lives = {live.delegation_id for live in world.lives}
    assert live == lives
    assert eye_drops == {world.awaiting}
    assert world.awaiting in awaiting
    assert not awaiting & lives
    assert of_person == {third.delegation_id}
    assert lives | {world.awaiting} <= by_provider
    assert lives <= overseen  # LPT (Community Health Services) oversees all three
    assert nobody == set()
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (422, "oversight_owner")
    assert (bad_state.status_code, bad_state.json()["errors"][0]["field"]) == (422, "query.state")
    assert len(due) == 3  # two changes in need and the three-month review
    assert completed == []
    assert {r["delegation_id"] for r in overdue_of_third} == {third.delegation_id}
    assert len(overdue_of_third) == 3  # the changes' (6 January) and the three-month (5 April)
    assert "topical-cream" in skin
    assert "iv-drug-administration" not in skin
    assert "iv-drug-administration" in never
    assert "topical-cream" not in never
    assert "medication-prompt" in prompts
    assert "topical-cream" not in prompts
    assert [r["effective_from"] for r in rulings] == ["2026-02-02"]
    assert (bad_category.status_code, bad_category.json()["errors"][0]["field"]) == (
        422,
        "query.category",
    )


async def test_a_list_shows_only_what_the_caller_may_see_on_every_page(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        world = await given_world(client, runtime, clock)
        other = bearer(Role.PROVIDER_MANAGER, "ANOTHER-PROVIDER")
        stranger = await walk(client, "/delegations", other, limit=1)
        mine = await walk(client, "/delegations", MANAGER, limit=1)
        by_council = await walk(client, "/delegations", bearer(Role.COMMISSIONER, CITY), limit=1)
    assert stranger == []
    assert {d["id"] for d in mine} >= {live.delegation_id for live in world.lives}
    assert all(d["provider_organisation"] == PROVIDER for d in mine)
    assert {d["id"] for d in by_council} >= {live.delegation_id for live in world.lives}
