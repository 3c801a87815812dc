"""R27 (and R2): the IPCB's members, reported issues, rulings, areas and themes, on PostgreSQL."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date

from sqlalchemy import func, select

from services.governance.main import SPEC as GOVERNANCE
from services.governance.models import BoardMember, ReportedIssue
from shared.audit import audit_log
from shared.auth import Role
from shared.events.governance import CatalogueChange, RulingIssued, TaskCatalogueChanged
from shared.events.vocabulary import Delegability
from shared.organisations import read_seed
from shared.testing.events import published
from shared.testing.plugin import repo_root
from tests.conftest import ServiceClient, bearer
from tests.governance.conftest import AUDITOR, BOARD, problem_field, published_as

# R2, R27: the board's seats are the register's IPCB member organisations (the test register).
PARTNERS = {
    o.ods_code for o in read_seed(repo_root() / "tests" / "organisations.csv") if o.ipcb_member
}


def given_member(organisation: str = "LPT") -> dict[str, str]:
    return {
        "organisation": organisation,
        "member_ref": "staff-42",
        "role_title": "Deputy Director of Nursing",
        "appointed_on": "2026-01-05",
    }


def given_ruling(**overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "title": "Eye drops may be delegated",
        "summary": "Routine eye drops are added to the catalogue",
        "effective_from": "2026-02-01",
        "catalogue_changes": [
            {
                "change": "added",
                "task_code": "EYE-DROPS",
                "name": "Administering eye drops",
                "category": "specialised_medication_administration",
                "delegability": "routine",
            }
        ],
    }
    return body | overrides


# --- through the API, on PostgreSQL ---------------------------------------------------------


async def test_r2_the_boards_seats_are_the_registers_ipcb_member_organisations(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, _):
        response = await client.get("/board/partners", headers=bearer(Role.CARE_WORKER))
    assert {p["code"] for p in response.json()["items"]} == PARTNERS
    assert {"PRIMARY-CARE", "INDEPENDENT-SECTOR", "MLCSU"} <= PARTNERS
    assert "UHL" not in PARTNERS  # in the register, not on the board


async def test_r27_a_seat_follows_the_register_an_organisation_registered_as_member_sits(
    service_client: ServiceClient,
) -> None:
    """Issue 14: the seats came from a second, fixed list kept by governance; an organisation
    the register made an IPCB member could not be seated, and one it removed still could."""
    entry = {"name": "Rutland Health Partnership", "kind": "gp_practice", "ipcb_member": True}
    async with service_client(GOVERNANCE) as (client, _):
        not_yet = await client.post("/board/members", json=given_member("RHP"), headers=BOARD)
        registered = await client.put("/organisations/RHP", json=entry, headers=BOARD)
        seated = await client.post("/board/members", json=given_member("RHP"), headers=BOARD)
        not_a_member = await client.post("/board/members", json=given_member("UHL"), headers=BOARD)
        partners = await client.get("/board/partners", headers=bearer(Role.CARE_WORKER))
    assert not_yet.status_code == not_a_member.status_code == 422
    assert problem_field(not_a_member) == "organisation"
    assert registered.status_code in (200, 201)
    assert seated.status_code == 201
    assert "RHP" in {p["code"] for p in partners.json()["items"]}


async def test_r27_a_second_member_for_the_same_partner_is_refused_with_409(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, _):
        first = await client.post("/board/members", json=given_member(), headers=BOARD)
        second = await client.post("/board/members", json=given_member(), headers=BOARD)
        other = await client.post("/board/members", json=given_member("MLCSU"), headers=BOARD)
        listed = await client.get("/board/members", headers=AUDITOR)
    assert first.status_code == 201
    assert second.status_code == 409
    assert second.json()["existing"] == f"/board/members/{first.json()['member_id']}"
    assert other.status_code == 201
    assert [m["organisation"] for m in listed.json()["items"]] == ["LPT", "MLCSU"]


async def test_r27_two_racing_appointments_for_one_partner_seat_one_member(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        responses = await asyncio.gather(
            *[client.post("/board/members", json=given_member(), headers=BOARD) for _ in range(4)]
        )
        async with runtime.sessions() as session:
            seated = await session.scalar(select(func.count()).select_from(BoardMember))
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    assert seated == 1


async def test_r27_an_organisation_that_is_not_a_partner_gets_no_seat(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, _):
        response = await client.post(
            "/board/members", json=given_member("ACME-CARE-LTD"), headers=BOARD
        )
    assert response.status_code == 422
    assert response.json()["rule"] == "R27"


async def test_r27_only_ipcb_members_run_the_board(service_client: ServiceClient) -> None:
    async with service_client(GOVERNANCE) as (client, _):
        anonymous = await client.post("/board/members", json=given_member())
        mdt = await client.post(
            "/board/members", json=given_member(), headers=bearer(Role.MDT_MEMBER)
        )
        ruling = await client.post(
            "/board/rulings", json=given_ruling(), headers=bearer(Role.CSU_OFFICER)
        )
    assert (anonymous.status_code, mdt.status_code, ruling.status_code) == (401, 403, 403)


async def test_r27_staff_report_an_issue_and_the_board_links_the_ruling_that_dealt_with_it(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, _):
        reported = await client.post(
            "/board/issues",
            json={"title": "Eye drops", "description": "carers may not give eye drops"},
            headers=bearer(Role.CARE_WORKER, "INDEPENDENT-SECTOR"),
        )
        issue = f"/board/issues/{reported.json()['issue_id']}"
        agreed = await client.post(
            f"{issue}/triage",
            json={"status": "agreed", "agreed_handling": "the board will issue a ruling"},
            headers=BOARD,
        )
        ruling = await client.post("/board/rulings", json=given_ruling(), headers=BOARD)
        closed = await client.post(
            f"{issue}/triage",
            json={
                "status": "closed",
                "outcome": "ruling issued: eye drops are routine",
                "outcome_ruling_id": ruling.json()["ruling_id"],
            },
            headers=BOARD,
        )
        read = await client.get(issue, headers=AUDITOR)
    assert reported.status_code == 201
    assert reported.json()["reporter_organisation"] == "INDEPENDENT-SECTOR"
    assert agreed.json()["status"] == "agreed"
    assert closed.status_code == 200
    assert read.json() | {"reported_at": None} == {
        "issue_id": reported.json()["issue_id"],
        "title": "Eye drops",
        "description": "carers may not give eye drops",
        "reporter_organisation": "INDEPENDENT-SECTOR",
        "reported_at": None,
        "status": "closed",
        "agreed_handling": "the board will issue a ruling",
        "outcome": "ruling issued: eye drops are routine",
        "outcome_ruling_id": ruling.json()["ruling_id"],
    }


async def test_r27_closing_an_issue_without_its_outcome_is_refused_and_changes_nothing(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, _):
        reported = await client.post(
            "/board/issues", json={"title": "t", "description": "d"}, headers=BOARD
        )
        issue = f"/board/issues/{reported.json()['issue_id']}"
        refused = await client.post(
            f"{issue}/triage",
            json={"status": "closed", "agreed_handling": "no change needed"},
            headers=BOARD,
        )
        unknown_ruling = await client.post(
            f"{issue}/triage",
            json={
                "status": "closed",
                "agreed_handling": "h",
                "outcome": "o",
                "outcome_ruling_id": str(uuid.uuid4()),
            },
            headers=BOARD,
        )
        read = await client.get(issue, headers=BOARD)
    assert refused.status_code == 422
    assert refused.json()["rule"] == "R27"
    assert problem_field(refused) == "outcome"
    assert problem_field(unknown_ruling) == "outcome_ruling_id"
    assert (read.json()["status"], read.json()["agreed_handling"]) == ("reported", None)


async def test_r27_reporting_an_issue_again_with_the_same_key_has_one_effect(
    service_client: ServiceClient,
) -> None:
    headers = BOARD | {"Idempotency-Key": "issue-1"}
    async with service_client(GOVERNANCE) as (client, runtime):
        first = await client.post(
            "/board/issues", json={"title": "t", "description": "d"}, headers=headers
        )
        again = await client.post(
            "/board/issues", json={"title": "t", "description": "d"}, headers=headers
        )
        async with runtime.sessions() as session:
            count = await session.scalar(select(func.count()).select_from(ReportedIssue))
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["issue_id"] == again.json()["issue_id"]
    assert count == 1


async def test_r27_a_ruling_that_changes_the_catalogue_publishes_each_change_for_delegation(
    service_client: ServiceClient,
) -> None:
    removal = {
        "change": "removed",
        "task_code": "OLD-TASK",
        "name": "An old task",
        "category": "other",
        "delegability": "case_by_case",
    }
    body = given_ruling()
    body["catalogue_changes"] = [*body["catalogue_changes"], removal]  # type: ignore[misc]
    async with service_client(GOVERNANCE) as (client, runtime):
        response = await client.post("/board/rulings", json=body, headers=BOARD)
        rulings = await published_as(runtime, RulingIssued)
        changes = await published_as(runtime, TaskCatalogueChanged)
        listed = await client.get("/board/rulings", headers=bearer(Role.MDT_MEMBER))
    ruling_id = uuid.UUID(response.json()["ruling_id"])
    assert response.status_code == 201
    assert rulings == [
        RulingIssued(
            subject_id=f"ruling-{ruling_id}",
            ruling_id=ruling_id,
            title="Eye drops may be delegated",
            summary="Routine eye drops are added to the catalogue",
            effective_from=date(2026, 2, 1),
        )
    ]
    assert [(c.change, c.task_code, c.delegability) for c in changes] == [
        (CatalogueChange.ADDED, "EYE-DROPS", Delegability.ROUTINE),
        (CatalogueChange.REMOVED, "OLD-TASK", Delegability.CASE_BY_CASE),
    ]
    assert all(c.ruling_id == ruling_id and c.effective_from == date(2026, 2, 1) for c in changes)
    assert listed.json()["items"][0]["catalogue_changes"][1]["task_code"] == "OLD-TASK"


async def test_r27_a_backdated_ruling_is_refused_and_nothing_is_published(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        response = await client.post(
            "/board/rulings", json=given_ruling(effective_from="2025-12-31"), headers=BOARD
        )
        listed = await client.get("/board/rulings", headers=BOARD)
        sent = await published(runtime)
    assert response.status_code == 422
    assert response.json()["rule"] == "R27"
    assert problem_field(response) == "effective_from"
    assert (listed.json()["items"], sent) == ([], [])


async def test_r27_a_ruling_with_an_unknown_category_gets_a_422_naming_the_field(
    service_client: ServiceClient,
) -> None:
    body = given_ruling()
    body["catalogue_changes"][0]["category"] = "astrology"  # type: ignore[index]
    async with service_client(GOVERNANCE) as (client, _):
        response = await client.post("/board/rulings", json=body, headers=BOARD)
    assert response.status_code == 422
    assert problem_field(response) == "catalogue_changes.0.category"


async def test_r27_issuing_a_ruling_again_with_the_same_key_publishes_once(
    service_client: ServiceClient,
) -> None:
    headers = BOARD | {"Idempotency-Key": "ruling-eye-drops"}
    async with service_client(GOVERNANCE) as (client, runtime):
        first = await client.post("/board/rulings", json=given_ruling(), headers=headers)
        again = await client.post("/board/rulings", json=given_ruling(), headers=headers)
        sent = await published_as(runtime, RulingIssued)
    assert (first.status_code, again.status_code) == (201, 200)
    assert len(sent) == 1


async def test_r27_new_areas_and_shared_care_themes_are_recorded_and_listed(
    service_client: ServiceClient,
) -> None:
    area = {
        "title": "Insulin prompts in supported living",
        "description": "explore delegating insulin prompts",
        "proposed_by": "RUTLAND-COUNTY-COUNCIL",
        "identified_on": "2026-01-05",
    }
    theme = {
        "title": "Skin care in the home",
        "summary": "several panels agreed creams with a district nurse check",
        "received_on": "2026-01-05",
    }
    async with service_client(GOVERNANCE) as (client, _):
        made_area = await client.post("/board/new-areas", json=area, headers=BOARD)
        same_area = await client.post("/board/new-areas", json=area, headers=BOARD)
        made_theme = await client.post("/board/shared-care-themes", json=theme, headers=BOARD)
        areas = await client.get("/board/new-areas", headers=AUDITOR)
        themes = await client.get("/board/shared-care-themes", headers=AUDITOR)
        no_title = await client.post(
            "/board/shared-care-themes", json=theme | {"title": ""}, headers=BOARD
        )
    assert (made_area.status_code, same_area.status_code, made_theme.status_code) == (
        201,
        409,
        201,
    )
    assert [a["title"] for a in areas.json()["items"]] == [area["title"]]
    assert [t["title"] for t in themes.json()["items"]] == [theme["title"]]
    assert problem_field(no_title) == "title"


async def test_r27_the_board_s_changes_are_in_the_audit_trail_with_who_and_why(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        ruling = await client.post("/board/rulings", json=given_ruling(), headers=BOARD)
        await client.post("/board/members", json=given_member(), headers=BOARD)
        async with runtime.sessions() as session:
            rows = (await session.execute(select(audit_log))).mappings().all()
    assert [(r["action"], r["role"], r["organisation"]) for r in rows] == [
        ("ruling.issue", "ipcb_member", "LLR-ICB"),
        ("board_member.appoint", "ipcb_member", "LLR-ICB"),
    ]
    assert rows[0]["subject"] == ruling.json()["ruling_id"]
    assert rows[0]["reason"] == "Eye drops may be delegated"


async def test_r27_a_member_who_stands_down_frees_the_partner_s_seat(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, _):
        first = await client.post("/board/members", json=given_member(), headers=BOARD)
        path = f"/board/members/{first.json()['member_id']}/stand-down"
        stood_down = await client.post(path, json={"reason": "retired"}, headers=BOARD)
        again = await client.post(path, json={"reason": "retired"}, headers=BOARD)
        successor = await client.post("/board/members", json=given_member(), headers=BOARD)
        listed = await client.get("/board/members", headers=AUDITOR)
    assert (stood_down.status_code, again.status_code, successor.status_code) == (204, 404, 201)
    assert [m["member_id"] for m in listed.json()["items"]] == [successor.json()["member_id"]]


async def test_r16_a_catalogue_ruling_says_whether_the_task_needs_specific_training(
    service_client: ServiceClient,
) -> None:
    unstated = {
        "change": "added",
        "task_code": "PRESSURE-CARE",
        "name": "Pressure area care",
        "category": "compromised_skin_integrity_and_wound_care",
        "delegability": "routine",
    }
    body = given_ruling()
    eye_drops = {**body["catalogue_changes"][0], "needs_specific_training": False}  # type: ignore[index]
    body["catalogue_changes"] = [eye_drops, unstated]
    async with service_client(GOVERNANCE) as (client, runtime):
        response = await client.post("/board/rulings", json=body, headers=BOARD)
        changes = await published_as(runtime, TaskCatalogueChanged)
        listed = await client.get("/board/rulings", headers=bearer(Role.MDT_MEMBER))
    assert response.status_code == 201
    assert [(c.task_code, c.needs_specific_training) for c in changes] == [
        ("EYE-DROPS", False),
        ("PRESSURE-CARE", None),
    ]
    assert [
        c["needs_specific_training"] for c in listed.json()["items"][0]["catalogue_changes"]
    ] == [
        False,
        None,
    ]
