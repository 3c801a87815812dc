"""Conflicting changes have exactly one winner, on PostgreSQL and on the standalone platform."""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, func, insert, select
from sqlalchemy.orm import Session

from services.governance.main import SPEC as GOVERNANCE
from services.governance.models import Base, CaseExample, DisputeCase, SharedCareDiscussion
from shared.audit import audit_log
from shared.auth import Role, dev_private_key, mint_token
from shared.events.governance import (
    DisputeResolved,
    FrameworkVersionPublished,
    SharedCareDecisionRecorded,
)
from shared.relationships import relationships, row
from shared.settings import ServiceSettings
from shared.testing.events import deliver
from shared.testing.races import assert_one_winner, outbox_types_in, race
from tests.conftest import ServiceClient
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

SHARES = [
    {"organisation": "LLR-ICB", "percent": 60},
    {"organisation": "LEICESTER-CITY-COUNCIL", "percent": 40},
]
RESOLUTION = {"shares": SHARES, "effective_from": "2025-12-01", "rationale": "agreed split"}
CLOSE = {"status": "closed", "agreed_handling": "guidance updated", "outcome": "done"}


def version(number: int, effective_from: str) -> dict[str, Any]:
    return {"version": number, "effective_from": effective_from, "summary": f"v{number}"}


# --- on PostgreSQL ----------------------------------------------------------------------------


async def test_r14_twenty_decisions_on_one_discussion_at_once_record_one_and_one_example(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        await given_shared_care(runtime, given_shared_care_request())
        discussion = await given_only(client, "/shared-care/discussions", MDT)
        url = f"/shared-care/discussions/{discussion['discussion_id']}/decision"
        responses = await race(lambda _: client.post(url, json=given_decision(), headers=MDT))
        events = await published_as(runtime, SharedCareDecisionRecorded)
        async with runtime.sessions() as session:
            examples = await session.scalar(select(func.count()).select_from(CaseExample))
    assert_one_winner(responses)
    assert (len(events), examples) == (1, 1)


async def test_r22_twenty_resolutions_of_one_case_at_once_resolve_it_once(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        await deliver(runtime, given_dispute())
        case = await given_only(client, "/disputes", CSU)
        path = f"/disputes/{case['case_id']}"
        taken_up = {"stage": "local_resolution", "note": "parties meet"}
        moves = await race(lambda _: client.post(f"{path}/stage", json=taken_up, headers=CSU))
        responses = await race(
            lambda _: client.post(f"{path}/resolution", json=RESOLUTION, headers=CSU)
        )
        events = await published_as(runtime, DisputeResolved)
        read = (await client.get(path, headers=CSU)).json()
    assert_one_winner(moves)
    assert_one_winner(responses)
    assert len(events) == 1
    assert [h["stage"] for h in read["stage_history"]] == ["raised", "local_resolution", "resolved"]


async def test_r27_twenty_closures_of_one_issue_at_once_close_it_once(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        issue = await client.post(
            "/board/issues", json={"title": "t", "description": "d"}, headers=BOARD
        )
        url = f"/board/issues/{issue.json()['issue_id']}/triage"
        responses = await race(lambda _: client.post(url, json=CLOSE, headers=BOARD))
        async with runtime.sessions() as session:
            closed = await session.scalar(
                select(func.count()).where(audit_log.c.action == "issue.closed")
            )
    assert_one_winner(responses)
    assert closed == 1


async def test_r29_twenty_publications_of_the_next_version_at_once_publish_it_once(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        body = version(2, "2027-04-01")
        responses = await race(
            lambda _: client.post("/framework-versions", json=body, headers=BOARD)
        )
        events = await published_as(runtime, FrameworkVersionPublished)
    assert_one_winner(responses)
    assert [e.version for e in events] == [2]


async def test_r27_twenty_stand_downs_of_one_member_at_once_free_the_seat_once(
    service_client: ServiceClient,
) -> None:
    """Whoever reads after the first commit finds no member (404); the others lose the race."""
    member = {
        "organisation": "LPT",
        "member_ref": "lpt-director",
        "role_title": "Director of Nursing",
        "appointed_on": "2026-01-05",
    }
    async with service_client(GOVERNANCE) as (client, runtime):
        seated = await client.post("/board/members", json=member, headers=BOARD)
        url = f"/board/members/{seated.json()['member_id']}/stand-down"
        responses = await race(lambda _: client.post(url, json={"reason": "r"}, headers=BOARD))
        async with runtime.sessions() as session:
            stood_down = await session.scalar(
                select(func.count()).where(audit_log.c.action == "board_member.stand_down")
            )
    statuses = Counter(r.status_code for r in responses)
    assert statuses[204] == 1, statuses
    assert set(statuses) <= {204, 404, 409}, statuses
    assert stood_down == 1


# --- on the standalone platform (SQLite files, events in-process) -----------------------------


def _auth(data: Path, role: Role, organisation: str) -> dict[str, str]:
    key = dev_private_key(data / "dev-signing-key.pem")
    token = mint_token(key, ServiceSettings(), role=role, organisation=organisation)
    return {"Authorization": f"Bearer {token}"}


def _given_rows(data: Path, *rows: Base, related: list[uuid.UUID] | None = None) -> None:
    """Rows as the service's event handlers leave them, written to its SQLite file; the MDT's
    trust (LPT) related to the `related` people, as RelationshipChanged leaves it."""
    engine = create_engine(f"sqlite:///{data / 'governance.db'}", connect_args={"timeout": 30})
    with Session(engine, expire_on_commit=False) as session, session.begin():
        session.add_all(rows)
        for person_id in related or []:
            session.execute(insert(relationships).values(row(given_related(person_id))))
    engine.dispose()


def _discussion() -> SharedCareDiscussion:
    request = given_shared_care_request()
    return SharedCareDiscussion(
        discussion_id=uuid.uuid4(),
        **request.model_dump(exclude={"positions"}),
        positions=list(request.positions),
        opened_at=datetime.now(UTC),
    )


def _case(stage: str) -> DisputeCase:
    raised = given_dispute()
    return DisputeCase(
        case_id=uuid.uuid4(),
        dispute_id=raised.dispute_id,
        package_id=raised.package_id,
        person_id=raised.person_id,
        raised_by=raised.raised_by,
        parties=sorted({raised.raised_by, *raised.parties}),
        held_by="MLCSU",
        raised_on=date(2026, 1, 5),
        opened_at=datetime.now(UTC),
        stage=stage,
        stage_history=[],
    )


async def test_r14_r22_r27_r29_twenty_conflicting_calls_on_the_standalone_platform(
    standalone: tuple[str, Path],
) -> None:
    base, data = standalone
    board, csu = _auth(data, Role.IPCB_MEMBER, "LLR-ICB"), _auth(data, Role.CSU_OFFICER, "MLCSU")
    mdt = _auth(data, Role.MDT_MEMBER, "LPT")
    discussion, case, raised = _discussion(), _case("local_resolution"), _case("raised")
    _given_rows(data, discussion, case, raised, related=[discussion.person_id])
    before = outbox_types_in(data / "governance.db")
    async with httpx.AsyncClient(base_url=f"{base}/governance", timeout=60) as client:
        issue = await client.post(
            "/board/issues", json={"title": "t", "description": "d"}, headers=board
        )
        triage = f"/board/issues/{issue.json()['issue_id']}/triage"
        decision = f"/shared-care/discussions/{discussion.discussion_id}/decision"
        resolution = f"/disputes/{case.case_id}/resolution"
        stage = f"/disputes/{raised.case_id}/stage"
        taken_up = {"stage": "local_resolution", "note": "parties meet"}
        calls = {
            "decision": lambda _: client.post(decision, json=given_decision(), headers=mdt),
            "resolution": lambda _: client.post(resolution, json=RESOLUTION, headers=csu),
            "closure": lambda _: client.post(triage, json=CLOSE, headers=board),
            "stage": lambda _: client.post(stage, json=taken_up, headers=csu),
        }
        outcomes = {name: await race(call) for name, call in calls.items()}
        latest = (await client.get("/framework-versions", headers=board)).json()["items"][-1][
            "version"
        ]
        body = version(latest + 1, "2040-01-01")
        outcomes["version"] = await race(
            lambda _: client.post("/framework-versions", json=body, headers=board)
        )
    for responses in outcomes.values():
        assert_one_winner(responses)
    after = outbox_types_in(data / "governance.db")
    assert after - before == {
        "SharedCareDecisionRecorded": 1,
        "DisputeResolved": 1,
        "FrameworkVersionPublished": 1,
    }
