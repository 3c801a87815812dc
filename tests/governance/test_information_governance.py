"""Information governance in governance (issue 14), on PostgreSQL: precedents carry no one; a
dispute's free text is not kept; a person's discussion or case is read within a relationship
(each read audited); the board acts through IPCB members of a board organisation only."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import select

from services.governance.main import SPEC as GOVERNANCE
from services.governance.models import Base
from shared.access import BREAK_GLASS_HEADER
from shared.audit import audit_log
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.governance import OrganisationRegistered, SharedCareDecisionRecorded
from shared.events.vocabulary import RelationshipBasis
from shared.service import Runtime
from shared.testing.events import deliver, published
from shared.web import create_app
from tests.conftest import ServiceClient, bearer, given_runtime
from tests.governance.conftest import (
    BOARD,
    CSU,
    MDT,
    given_decision,
    given_dispute,
    given_only,
    given_related,
    given_shared_care,
    given_shared_care_request,
    published_as,
)

NAMED = "Jo Bloggs, NHS number 943 476 5919, of 12 High Street LE1 5WW, born 12/03/1950"
# An IPCB member of an organisation that does not sit on the board (register: ipcb_member false).
NOT_THE_BOARD = bearer(Role.IPCB_MEMBER, "UHL")
COUNCIL_MDT = bearer(Role.MDT_MEMBER, "LEICESTER-CITY-COUNCIL")
UNRELATED_MDT = bearer(Role.MDT_MEMBER, "C82001")


async def audit_reasons(runtime: Runtime) -> str:
    async with runtime.sessions() as session:
        rows = (await session.execute(select(audit_log.c.reason))).scalars().all()
    return " ".join(r or "" for r in rows)


async def decided_example(
    client: AsyncClient, runtime: Runtime, **request: Any
) -> tuple[Response, Response]:
    """A Shared Care discussion opened by the MDT's request, decided by the MDT's trust; the
    case examples as another organisation's MDT member finds them."""
    await given_shared_care(runtime, given_shared_care_request(**request))
    discussion = await given_only(client, "/shared-care/discussions", MDT)
    decided = await client.post(
        f"/shared-care/discussions/{discussion['discussion_id']}/decision",
        json=given_decision(),
        headers=MDT,
    )
    found = await client.get("/shared-care/case-examples", headers=COUNCIL_MDT)
    return decided, found


# --- finding: a name and NHS number typed into a question came back from case-examples ------


async def test_a_name_and_nhs_number_in_the_mdt_question_never_reach_a_case_example(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        decided, found = await decided_example(
            client,
            runtime,
            question=f"May the carers of {NAMED} apply the cream?",
            positions=[NAMED],
        )
        reasons = await audit_reasons(runtime)
    assert decided.status_code == 201
    [example] = found.json()["items"]
    published = json.dumps(example)
    for fragment in ("Jo Bloggs", "943 476 5919", "LE1 5WW", "12/03/1950", "May the carers"):
        assert fragment not in published
    assert set(example) == {
        "case_example_id",
        "task_code",
        "category",
        "direction",
        "setting",
        "question_code",
        "decision",
        "disciplines",
        "summary",
        "decided_on",
        "refusal_rule",
    }
    assert example["summary"] == given_decision()["summary"]
    assert example["question_code"] == "may_delegate"
    assert "Jo Bloggs" not in reasons  # nor copied into the audit trail


@pytest.mark.parametrize(
    ("summary", "found"),
    [
        ("carers of 943 476 5919 apply the cream", "an NHS number"),
        ("carers of 943-476-5919 apply the cream", "an NHS number"),
        ("carers of 9434765919 apply the cream", "an NHS number"),
        ("carers at LE1 5WW apply the cream", "a postcode"),
        ("person born 12/03/1950 living alone", "a date"),
        ("since 12 March carers apply the cream", "a date"),
    ],
)
async def test_a_summary_for_publication_holding_an_identifier_is_refused_naming_the_field(
    service_client: ServiceClient, summary: str, found: str
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        await given_shared_care(runtime, given_shared_care_request())
        discussion = await given_only(client, "/shared-care/discussions", MDT)
        response = await client.post(
            f"/shared-care/discussions/{discussion['discussion_id']}/decision",
            json=given_decision(summary=summary),
            headers=MDT,
        )
        examples = (await client.get("/shared-care/case-examples", headers=MDT)).json()["items"]
        events = await published_as(runtime, SharedCareDecisionRecorded)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "summary"
    assert found in response.json()["errors"][0]["reason"]
    assert (examples, events) == ([], [])


@pytest.mark.parametrize(
    ("field", "value"),
    [("rationale", "as agreed with 943 476 5919"), ("conditions", ["call 07700 900123 first"])],
)
async def test_text_that_goes_on_the_bus_holds_no_identifier_either(
    service_client: ServiceClient, field: str, value: Any
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        await given_shared_care(runtime, given_shared_care_request())
        discussion = await given_only(client, "/shared-care/discussions", MDT)
        response = await client.post(
            f"/shared-care/discussions/{discussion['discussion_id']}/decision",
            json=given_decision(**{field: value}),
            headers=MDT,
        )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].startswith(field)


# --- finding: a dispute's free text was copied and shown -----------------------------------


async def test_a_disputes_raising_text_is_neither_kept_nor_shown(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        await deliver(runtime, given_dispute(summary=NAMED))
        case = await given_only(client, "/disputes", CSU)
        read = await client.get(f"/disputes/{case['case_id']}", headers=CSU)
        reasons = await audit_reasons(runtime)
        async with runtime.sessions() as session:
            stored = [
                str((await session.execute(select(table))).all())
                for table in Base.metadata.sorted_tables
            ]
    for text in (json.dumps(case), read.text, reasons, *stored):
        assert "Jo Bloggs" not in text
    assert "summary" not in case
    assert (case["held_by"], case["reason_code"]) == ("MLCSU", "shares")  # kept structured


# --- a person's dispute case: the CSU that holds it and the parties ---------------------------


async def test_a_dispute_case_is_seen_and_handled_only_by_its_csu_and_its_parties(
    service_client: ServiceClient,
) -> None:
    another_csu = bearer(Role.CSU_OFFICER, "LLR-ICB")
    async with service_client(GOVERNANCE) as (client, runtime):
        await deliver(runtime, given_dispute())
        case = await given_only(client, "/disputes", CSU)
        path = f"/disputes/{case['case_id']}"
        by_another_csu = [
            await client.get("/disputes", headers=another_csu),
            await client.get("/disputes/open-too-long", params={"days": 0}, headers=another_csu),
        ]
        acts = [
            await client.get(path, headers=another_csu),
            await client.post(
                f"{path}/stage",
                json={"stage": "local_resolution", "note": "n"},
                headers=another_csu,
            ),
            await client.post(
                f"{path}/evidence",
                json={"submitted_by": "LLR-ICB", "description": "d"},
                headers=another_csu,
            ),
        ]
        board = [
            await client.get("/disputes", headers=BOARD),
            await client.get(path, headers=bearer(Role.AUDITOR, "LLR-ICB")),
        ]
        party = await client.get(path, headers=bearer(Role.COMMISSIONER, "LLR-ICB"))
        async with runtime.sessions() as session:
            reads = (
                await session.execute(
                    select(audit_log.c.organisation, audit_log.c.person_id).where(
                        audit_log.c.action == "read.dispute_case"
                    )
                )
            ).all()
    assert [r.json()["items"] for r in by_another_csu] == [[], []]
    assert [r.status_code for r in acts] == [404, 404, 404]
    assert [r.status_code for r in board] == [403, 403]
    assert party.status_code == 200
    assert {org for org, _ in reads} == {"MLCSU", "LLR-ICB"}
    assert {person for _, person in reads} == {case["person_id"]}


# --- a person's Shared Care discussion: within a relationship, or by breaking the glass ------


async def test_a_discussion_is_read_and_decided_within_a_relationship_with_the_person(
    service_client: ServiceClient,
) -> None:
    request = given_shared_care_request()
    practitioner = bearer(Role.REGISTERED_PRACTITIONER, "C82001")
    async with service_client(GOVERNANCE) as (client, runtime):
        await given_shared_care(runtime, request)
        [discussion] = (await client.get("/shared-care/discussions", headers=MDT)).json()["items"]
        path = f"/shared-care/discussions/{discussion['discussion_id']}"
        unrelated_list = (
            await client.get("/shared-care/discussions", headers=UNRELATED_MDT)
        ).json()["items"]
        unrelated_read = await client.get(path, headers=UNRELATED_MDT)
        unrelated_decision = await client.post(
            f"{path}/decision", json=given_decision(), headers=UNRELATED_MDT
        )
        glass = await client.get(
            path, headers=practitioner | {BREAK_GLASS_HEADER: "the person is in our A&E now"}
        )
        board = await client.get("/shared-care/discussions", headers=BOARD)
        await deliver(
            runtime, given_related(request.person_id, "C82001", RelationshipBasis.OVERSIGHT)
        )
        related_later = await client.get(path, headers=UNRELATED_MDT)
        async with runtime.sessions() as session:
            reads = (
                await session.execute(
                    select(audit_log.c.organisation, audit_log.c.purpose).where(
                        audit_log.c.action == "read.shared_care_discussion"
                    )
                )
            ).all()
    assert (unrelated_list, unrelated_read.status_code) == ([], 404)
    assert unrelated_decision.status_code == 404
    assert glass.status_code == 200
    assert board.status_code == 403
    assert related_later.status_code == 200
    assert ("C82001", "break_glass") in reads
    assert ("LPT", "direct_care") in reads


# --- finding: an IPCB member of a non-member organisation acts for the board ----------------


BOARD_ACTIONS: list[tuple[str, str, dict[str, Any]]] = [
    (
        "POST",
        "/framework-versions",
        {"version": 2, "effective_from": "2027-01-01", "summary": "v2"},
    ),
    ("POST", "/board/rulings", {"title": "t", "summary": "s", "effective_from": "2026-02-01"}),
    (
        "POST",
        "/board/members",
        {"organisation": "LPT", "member_ref": "m", "role_title": "r", "appointed_on": "2026-01-05"},
    ),
    (
        "POST",
        "/board/new-areas",
        {"title": "t", "description": "d", "proposed_by": "LPT", "identified_on": "2026-01-05"},
    ),
    (
        "POST",
        "/board/shared-care-themes",
        {"title": "t", "summary": "s", "received_on": "2026-01-05"},
    ),
    ("POST", "/equality/reports", {"period_start": "2025-04-01", "period_end": "2025-12-31"}),
    (
        "PUT",
        "/organisations/NEW-PROVIDER",
        {"name": "n", "kind": "care_provider", "ipcb_member": False},
    ),
]
BOARD_READS = [
    "/board/members",
    "/board/issues",
    "/equality/reports",
    "/board/competence-sign-offs",
    "/board/monitoring",
]


@pytest.mark.parametrize(
    ("method", "path", "body"), BOARD_ACTIONS, ids=[p for _, p, _ in BOARD_ACTIONS]
)
async def test_only_an_ipcb_member_of_a_board_organisation_acts_for_the_board(
    service_client: ServiceClient, method: str, path: str, body: dict[str, Any]
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        refused = await client.request(method, path, json=body, headers=NOT_THE_BOARD)
        nothing = await published(runtime)
        accepted = await client.request(method, path, json=body, headers=BOARD)
    assert refused.status_code == 403
    assert nothing == []
    assert accepted.status_code in (201, 202)


async def test_a_non_board_ipcb_member_neither_triages_nor_stands_down_nor_reads_the_board(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, _runtime):
        issue = await client.post(
            "/board/issues", json={"title": "t", "description": "d"}, headers=MDT
        )
        member = await client.post("/board/members", json=BOARD_ACTIONS[2][2], headers=BOARD)
        triage = await client.post(
            f"/board/issues/{issue.json()['issue_id']}/triage",
            json={"status": "agreed", "agreed_handling": "h"},
            headers=NOT_THE_BOARD,
        )
        stand_down = await client.post(
            f"/board/members/{member.json()['member_id']}/stand-down",
            json={"reason": "r"},
            headers=NOT_THE_BOARD,
        )
        reads = [await client.get(path, headers=NOT_THE_BOARD) for path in BOARD_READS]
        by_the_board = [await client.get(path, headers=BOARD) for path in BOARD_READS]
    assert (triage.status_code, stand_down.status_code) == (403, 403)
    assert [r.status_code for r in reads] == [403] * len(BOARD_READS)
    assert [r.status_code for r in by_the_board] == [200] * len(BOARD_READS)


# --- the partner register (R2) ---------------------------------------------------------------


async def test_r2_the_board_registers_an_organisation_once_and_every_service_is_told(
    service_client: ServiceClient,
) -> None:
    entry = {"name": "Sunrise Homecare", "kind": "care_provider", "ipcb_member": False}
    async with service_client(GOVERNANCE) as (client, runtime):
        first = await client.put("/organisations/SUNRISE-HOMECARE", json=entry, headers=BOARD)
        again = await client.put("/organisations/SUNRISE-HOMECARE", json=entry, headers=BOARD)
        changed = await client.put(
            "/organisations/SUNRISE-HOMECARE",
            json=entry | {"name": "Sunrise Homecare Ltd"},
            headers=BOARD,
        )
        register = await client.get("/organisations", headers=bearer(Role.CARE_WORKER, "LPT"))
        events = await published_as(runtime, OrganisationRegistered)
    assert (first.status_code, again.status_code, changed.status_code) == (201, 200, 201)
    assert first.json() == {"ods_code": "SUNRISE-HOMECARE", **entry, "national_ods_code": None}
    assert [(e.ods_code, e.name) for e in events] == [
        ("SUNRISE-HOMECARE", "Sunrise Homecare"),
        ("SUNRISE-HOMECARE", "Sunrise Homecare Ltd"),
    ]
    assert {"SUNRISE-HOMECARE", "LLR-ICB", "MLCSU"} <= {
        o["ods_code"] for o in register.json()["items"]
    }
    sunrise = next(o for o in register.json()["items"] if o["ods_code"] == "SUNRISE-HOMECARE")
    assert sunrise["name"] == "Sunrise Homecare Ltd"


async def test_r2_an_organisation_carries_its_national_ods_code_to_every_service(
    service_client: ServiceClient,
) -> None:
    entry = {"name": "Sunset Care", "kind": "care_provider", "ipcb_member": False}
    async with service_client(GOVERNANCE) as (client, runtime):
        made = await client.put(
            "/organisations/SUNSET-CARE",
            json=entry | {"national_ods_code": "ZZ9001"},
            headers=BOARD,
        )
        bad = await client.put(
            "/organisations/SUNSET-CARE", json=entry | {"national_ods_code": "zz 9"}, headers=BOARD
        )
        events = await published_as(runtime, OrganisationRegistered)
    assert made.status_code == 201, made.text
    assert made.json()["national_ods_code"] == "ZZ9001"
    assert [e.national_ods_code for e in events] == ["ZZ9001"]
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"].endswith("national_ods_code")


@pytest.mark.parametrize(
    "headers",
    [NOT_THE_BOARD, bearer(Role.PROVIDER_MANAGER, "CARE-CO"), bearer(Role.COMMISSIONER, "LLR-ICB")],
    ids=["ipcb-of-a-non-board-organisation", "provider-manager", "commissioner"],
)
async def test_r2_no_one_else_keeps_the_register(
    service_client: ServiceClient, headers: dict[str, str]
) -> None:
    entry = {"name": "Rogue Care", "kind": "care_provider", "ipcb_member": True}
    async with service_client(GOVERNANCE) as (client, runtime):
        refused = await client.put("/organisations/ROGUE-CARE", json=entry, headers=headers)
        register = await client.get("/organisations", headers=bearer(Role.CARE_WORKER, "LPT"))
        events = await published_as(runtime, OrganisationRegistered)
    assert refused.status_code == 403
    assert "ROGUE-CARE" not in {o["ods_code"] for o in register.json()["items"]}
    assert events == []


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/organisations/lower-case",
            {"name": "n", "kind": "icb", "ipcb_member": False},
            "ods_code",
        ),
        ("/organisations/GOOD", {"name": "n", "kind": "pharmacy", "ipcb_member": False}, "kind"),
        ("/organisations/GOOD", {"name": "", "kind": "icb", "ipcb_member": False}, "name"),
    ],
)
async def test_r2_a_bad_register_entry_is_refused_naming_the_field(
    service_client: ServiceClient, path: str, body: dict[str, Any], field: str
) -> None:
    async with service_client(GOVERNANCE) as (client, _runtime):
        response = await client.put(path, json=body, headers=BOARD)
    assert response.status_code == 422
    assert field in response.json()["errors"][0]["field"]


# --- board and audit reports: pseudonymous ids, never NHS numbers ----------------------------


async def test_governance_holds_and_serves_no_nhs_number(
    tmp_path: Path, clock: MovableClock
) -> None:
    runtime = given_runtime(GOVERNANCE, f"sqlite+aiosqlite:///{tmp_path}/g.db", clock)
    try:
        document = json.dumps(create_app(runtime).openapi()).lower()
    finally:
        await runtime.close()
    columns = [c.name for t in Base.metadata.sorted_tables for c in t.columns]
    assert not [c for c in columns if "nhs" in c.lower()]
    assert "nhs_number" not in document


# --- dates: past facts between 1900 and today; days taking effect within the sanity range ----


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/board/members", BOARD_ACTIONS[2][2] | {"appointed_on": "1899-12-31"}, "appointed_on"),
        ("/board/members", BOARD_ACTIONS[2][2] | {"appointed_on": "2026-01-06"}, "appointed_on"),
        (
            "/board/new-areas",
            BOARD_ACTIONS[3][2] | {"identified_on": "2026-02-01"},
            "identified_on",
        ),
        (
            "/board/shared-care-themes",
            BOARD_ACTIONS[4][2] | {"received_on": "0001-01-01"},
            "received_on",
        ),
        (
            "/framework-versions",
            BOARD_ACTIONS[0][2] | {"effective_from": "9999-12-31"},
            "effective_from",
        ),
        (
            "/board/rulings",
            BOARD_ACTIONS[1][2] | {"effective_from": "0001-01-01"},
            "effective_from",
        ),
        (
            "/equality/reports",
            {"period_start": "0001-01-01", "period_end": "2025-12-31"},
            "period_start",
        ),
    ],
)
async def test_an_implausible_date_is_refused_naming_the_field(
    service_client: ServiceClient, path: str, body: dict[str, Any], field: str
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        response = await client.post(path, json=body, headers=BOARD)
        events = await published(runtime)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert events == []


# --- the board's own texts go to every partner: no identifier, dates allowed ---------------


@pytest.mark.parametrize(
    ("path", "body", "field", "accepted"),
    [
        (
            "/board/rulings",
            BOARD_ACTIONS[1][2] | {"summary": "after 943 476 5919's case"},
            "summary",
            False,
        ),
        (
            "/board/rulings",
            BOARD_ACTIONS[1][2] | {"summary": "from 1 April 2026 on"},
            "summary",
            True,
        ),
        (
            "/board/shared-care-themes",
            BOARD_ACTIONS[4][2] | {"summary": "a carer at LE1 5WW"},
            "summary",
            False,
        ),
        ("/board/new-areas", BOARD_ACTIONS[3][2] | {"title": "ring 07700 900123"}, "title", False),
        (
            "/framework-versions",
            BOARD_ACTIONS[0][2] | {"summary": "ask jo@example.org"},
            "summary",
            False,
        ),
    ],
)
async def test_the_boards_published_texts_hold_no_identifier(
    service_client: ServiceClient, path: str, body: dict[str, Any], field: str, accepted: bool
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        response = await client.post(path, json=body, headers=BOARD)
        events = await published(runtime)
    if accepted:
        assert response.status_code == 201
        return
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert events == []
