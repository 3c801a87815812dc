"""The CSU's and the board's worklists in governance (issue 16): cases open too long (R22) for
the CSU that holds them, issues to triage (R27) for IPCB members of a board organisation;
soonest due first."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from httpx import AsyncClient

from services.governance.main import SPEC as GOVERNANCE
from shared.auth import Role
from shared.clock import MovableClock
from shared.service import Runtime
from shared.testing.events import deliver
from tests.conftest import ServiceClient, bearer, sqlite_client
from tests.governance.conftest import BOARD, CSU, given_dispute

ANOTHER_CSU = bearer(Role.CSU_OFFICER, "LLR-ICB")
NOT_THE_BOARD = bearer(Role.IPCB_MEMBER, "UHL")
LIMIT = 28  # GOVERNANCE_DISPUTE_OPEN_TOO_LONG_DAYS


async def given_cases(client: AsyncClient, runtime: Runtime) -> list[Any]:
    """Three cases raised on three days; the newest is resolved."""
    raised = [
        given_dispute(raised_on=date(2025, 12, 1)),
        given_dispute(raised_on=date(2025, 11, 20)),
        given_dispute(raised_on=date(2026, 1, 2)),
        given_dispute(raised_on=date(2026, 1, 3)),
    ]
    await deliver(runtime, *raised)
    cases = (await client.get("/disputes", headers=CSU)).json()["items"]
    by_dispute = {c["dispute_id"]: c for c in cases}
    resolved = by_dispute[str(raised[3].dispute_id)]
    path = f"/disputes/{resolved['case_id']}"
    await client.post(f"{path}/stage", json={"stage": "local_resolution", "note": "n"}, headers=CSU)
    shares = [
        {"organisation": "LLR-ICB", "percent": 50},
        {"organisation": "LEICESTER-CITY-COUNCIL", "percent": 50},
    ]
    done = await client.post(
        f"{path}/resolution",
        json={"shares": shares, "effective_from": "2026-01-03", "rationale": "agreed"},
        headers=CSU,
    )
    assert done.status_code == 200, done.text
    return [by_dispute[str(r.dispute_id)] for r in raised[:3]]


async def given_issues(client: AsyncClient, clock: MovableClock) -> list[Any]:
    """Three issues reported on three days; the last is triaged."""
    issues = []
    for title in ("eye drops", "ear drops", "nose drops"):
        reported = await client.post(
            "/board/issues",
            json={"title": title, "description": "may carers give them?"},
            headers=bearer(Role.CARE_WORKER, "CARE-CO"),
        )
        assert reported.status_code == 201, reported.text
        issues.append(reported.json())
        clock.move(timedelta(days=1))
    agreed = await client.post(
        f"/board/issues/{issues[2]['issue_id']}/triage",
        json={"status": "agreed", "agreed_handling": "a ruling"},
        headers=BOARD,
    )
    assert agreed.status_code == 200, agreed.text
    return issues


async def worklist(client: AsyncClient, headers: dict[str, str], **params: Any) -> list[Any]:
    response = await client.get("/worklist", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [(i["kind"], i["subject"], i["due_on"], i["overdue"]) for i in response.json()["items"]]


async def test_r22_the_csu_sees_its_open_cases_due_when_they_would_be_open_too_long(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        old, older, recent = await given_cases(client, runtime)
        found = await worklist(client, CSU)
        items = (await client.get("/worklist", headers=CSU)).json()["items"]
    kind = "case_open_too_long"
    assert found == [  # today is 5 January 2026
        (kind, f"/disputes/{older['case_id']}", "2025-12-18", True),
        (kind, f"/disputes/{old['case_id']}", "2025-12-29", True),
        (kind, f"/disputes/{recent['case_id']}", "2026-01-30", False),
    ]
    assert [i["person_id"] for i in items] == [
        older["person_id"],
        old["person_id"],
        recent["person_id"],
    ]


async def test_r27_board_members_see_the_issues_not_yet_triaged_oldest_first(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(GOVERNANCE) as (client, _runtime):
        first, second, _triaged = await given_issues(client, clock)
        found = await worklist(client, BOARD)
        as_another_member = await worklist(client, bearer(Role.IPCB_MEMBER, "LPT"))
    assert found == [
        ("issue_to_triage", f"/board/issues/{first['issue_id']}", "2026-01-05", True),
        ("issue_to_triage", f"/board/issues/{second['issue_id']}", "2026-01-06", True),
    ]
    assert as_another_member == found  # every board organisation's members triage


async def test_other_organisations_and_roles_see_none_of_the_work(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        await given_cases(client, runtime)
        await given_issues(client, clock)
        another_csu = await worklist(client, ANOTHER_CSU)
        not_the_board = await worklist(client, NOT_THE_BOARD)
        csu_issues = await worklist(client, CSU, kind="issue_to_triage")
        board_cases = await worklist(client, BOARD, kind="case_open_too_long")
        refused = [
            await client.get("/worklist", headers=bearer(role, "LLR-ICB"))
            for role in (Role.COMMISSIONER, Role.AUDITOR, Role.MDT_MEMBER)
        ]
    assert (another_csu, not_the_board, csu_issues, board_cases) == ([], [], [], [])
    assert [r.status_code for r in refused] == [403, 403, 403]


async def test_the_worklist_filters_by_kind_due_date_overdue_and_person(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        old, older, recent = await given_cases(client, runtime)
        cases = await worklist(client, CSU, kind="case_open_too_long")
        overdue = await worklist(client, CSU, overdue=True)
        in_time = await worklist(client, CSU, overdue=False)
        within_a_month = await worklist(client, CSU, due_within_days=25)
        within_a_week = await worklist(client, CSU, due_within_days=7, overdue=False)
        of_person = await worklist(client, CSU, person_id=old["person_id"])
        bad_kind = await client.get("/worklist", params={"kind": "lunch"}, headers=CSU)
    assert len(cases) == 3
    assert [s for _, s, _, _ in overdue] == [f"/disputes/{c['case_id']}" for c in (older, old)]
    assert [s for _, s, _, _ in in_time] == [f"/disputes/{recent['case_id']}"]
    assert len(within_a_month) == 3
    assert within_a_week == []
    assert [s for _, s, _, _ in of_person] == [f"/disputes/{old['case_id']}"]
    assert bad_kind.status_code == 422
    assert bad_kind.json()["errors"][0]["field"] == "kind.0"


async def test_paging_one_at_a_time_walks_every_item_once(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        await given_cases(client, runtime)
        whole = await worklist(client, CSU)
        walked: list[Any] = []
        response = await client.get("/worklist", params={"limit": 1}, headers=CSU)
        while True:
            assert response.status_code == 200, response.text
            walked += [
                (i["kind"], i["subject"], i["due_on"], i["overdue"])
                for i in response.json()["items"]
            ]
            if response.json()["next"] is None:
                break
            response = await client.get(response.json()["next"], headers=CSU)
        too_many = await client.get("/worklist", params={"limit": 201}, headers=CSU)
        forged = await client.get("/worklist", params={"cursor": "forged"}, headers=CSU)
    assert len(whole) == 3
    assert walked == whole
    assert too_many.json()["errors"][0]["field"] == "query.limit"
    assert forged.json()["errors"][0]["field"] == "cursor"


def on_sqlite(tmp_path: Path, clock: MovableClock) -> AbstractAsyncContextManager[Any]:
    return sqlite_client(GOVERNANCE, tmp_path / "governance.db", clock)


async def test_r22_r27_the_worklists_read_the_same_in_standalone_mode_on_sqlite(
    tmp_path: Path, clock: MovableClock
) -> None:
    async with on_sqlite(tmp_path, clock) as (client, runtime):
        old, older, recent = await given_cases(client, runtime)
        first, second, _triaged = await given_issues(client, clock)
        cases = await worklist(client, CSU)
        overdue_cases = await worklist(client, CSU, overdue=True)
        issues = await worklist(client, BOARD, due_within_days=0)
    assert [(s, d) for _, s, d, _ in cases] == [
        (f"/disputes/{older['case_id']}", "2025-12-18"),
        (f"/disputes/{old['case_id']}", "2025-12-29"),
        (f"/disputes/{recent['case_id']}", "2026-01-30"),
    ]
    assert len(overdue_cases) == 2
    assert [(s, d) for _, s, d, _ in issues] == [
        (f"/board/issues/{first['issue_id']}", "2026-01-05"),
        (f"/board/issues/{second['issue_id']}", "2026-01-06"),
    ]
