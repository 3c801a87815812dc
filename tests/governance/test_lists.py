"""Every governance list pages the same way (issue 16): a capped limit, a cursor the service
gave, the next link (and `Link` header) keeping the filters; nothing repeated or skipped; and
each filters on its obvious fields."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

import pytest
from httpx import AsyncClient

from services.governance.main import SPEC as GOVERNANCE
from shared import pages
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.delegation import TaskDelegated
from shared.events.training import CompetenceAssessed, CompetenceOutcome
from shared.testing.events import deliver
from tests.conftest import ServiceClient, bearer
from tests.governance.conftest import (
    AUDITOR,
    BOARD,
    CSU,
    MDT,
    given_decision,
    given_dispute,
    given_equality_report,
    given_related,
    given_shared_care,
    given_shared_care_request,
)
from tests.governance.test_webhooks import given_task_delegated
from tests.pages import walk

Json = dict[str, Any]
CARE_CO = bearer(Role.PROVIDER_MANAGER, "CARE-CO")
ANYONE = bearer(Role.CARE_WORKER, "LPT")
URL = "https://integration.care-co.example/llr"


async def items(client: AsyncClient, path: str, headers: dict[str, str], **params: Any) -> Any:
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def of(found: list[Json], key: str) -> list[Any]:
    return [item[key] for item in found]


LISTS = [
    ("/framework-versions", AUDITOR),
    ("/organisations", ANYONE),
    ("/board/partners", ANYONE),
    ("/board/members", AUDITOR),
    ("/board/issues", AUDITOR),
    ("/board/rulings", AUDITOR),
    ("/board/new-areas", AUDITOR),
    ("/board/shared-care-themes", AUDITOR),
    ("/board/competence-sign-offs", AUDITOR),
    ("/board/monitoring", AUDITOR),
    ("/equality/reports", AUDITOR),
    ("/shared-care/discussions", MDT),
    ("/shared-care/case-examples", MDT),
    ("/disputes", CSU),
    ("/disputes/open-too-long", CSU),
    ("/webhooks", CARE_CO),
    ("/webhooks/event-types", CARE_CO),
    ("/worklist", CSU),
]


@pytest.mark.parametrize(("path", "headers"), LISTS, ids=[p for p, _ in LISTS])
async def test_a_limit_over_the_cap_and_a_cursor_not_given_are_refused_naming_them(
    service_client: ServiceClient, path: str, headers: dict[str, str]
) -> None:
    async with service_client(GOVERNANCE) as (client, _runtime):
        too_many = await client.get(path, params={"limit": 201}, headers=headers)
        forged = await client.get(path, params={"cursor": "bm90LWEtY3Vyc29y"}, headers=headers)
        wrong_shape = await client.get(
            path, params={"cursor": pages.encode(1, 2, 3, 4, 5)}, headers=headers
        )
        first = await client.get(path, params={"limit": 1}, headers=headers)
    assert too_many.status_code == 422
    assert too_many.json()["errors"][0]["field"] == "query.limit"
    for refused in (forged, wrong_shape):
        assert refused.status_code == 422, refused.text
        assert refused.json()["errors"][0]["field"] == "cursor"
    assert first.status_code == 200, first.text
    assert set(first.json()) == {"items", "next_cursor", "next"}


async def test_r2_r29_the_register_partners_and_versions_walk_in_order_and_filter(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, _runtime):
        for version, on in ((2, "2026-04-01"), (3, "2026-07-01")):
            published = await client.post(
                "/framework-versions",
                json={"version": version, "effective_from": on, "summary": f"v{version}"},
                headers=BOARD,
            )
            assert published.status_code == 201, published.text
        versions = await walk(client, "/framework-versions", AUDITOR, limit=1)
        later = await items(client, "/framework-versions", AUDITOR, effective_since="2026-04-01")
        earlier = await items(client, "/framework-versions", AUDITOR, effective_until="2026-04-01")
        register = await items(client, "/organisations", ANYONE, limit=200)
        walked = await walk(client, "/organisations", ANYONE, limit=7)
        councils = await items(client, "/organisations", ANYONE, kind="local_authority")
        not_on_board = await walk(client, "/organisations", ANYONE, ipcb_member=False, limit=5)
        partners = await walk(client, "/board/partners", ANYONE, limit=3)
        board_councils = await items(client, "/board/partners", ANYONE, kind="local_authority")
    assert of(versions, "version") == [1, 2, 3]
    assert (of(later, "version"), of(earlier, "version")) == ([2, 3], [1, 2])
    codes = of(register, "ods_code")
    assert codes == sorted(codes)
    assert len(codes) > 14  # more than two pages of 7
    assert of(walked, "ods_code") == codes
    assert {o["kind"] for o in councils} == {"local_authority"}
    assert "LEICESTER-CITY-COUNCIL" in of(councils, "ods_code")
    assert not any(o["ipcb_member"] for o in not_on_board)
    assert "UHL" in of(not_on_board, "ods_code")
    board = [o["ods_code"] for o in register if o["ipcb_member"]]
    assert of(partners, "code") == board
    assert {p["kind"] for p in board_councils} == {"local_authority"}
    assert "RUTLAND-COUNTY-COUNCIL" in of(board_councils, "code")


async def test_r27_the_boards_records_walk_in_order_and_filter(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(GOVERNANCE) as (client, _runtime):
        for organisation in ("MLCSU", "LPT", "LLR-ICB"):
            member = {
                "organisation": organisation,
                "member_ref": "staff-1",
                "role_title": "Director",
                "appointed_on": "2026-01-05",
            }
            seated = await client.post("/board/members", json=member, headers=BOARD)
            assert seated.status_code == 201, seated.text
        for n, by in enumerate(("CARE-CO", "LPT", "CARE-CO")):
            issue = {"title": f"issue {n}", "description": "d"}
            reported = await client.post(
                "/board/issues", json=issue, headers=bearer(Role.CARE_WORKER, by)
            )
            assert reported.status_code == 201, reported.text
            area = {
                "title": f"area {n}",
                "description": "d",
                "proposed_by": by,
                "identified_on": f"2026-01-0{n + 1}",
            }
            assert (await client.post("/board/new-areas", json=area, headers=BOARD)).is_success
            theme = {"title": f"theme {n}", "summary": "s", "received_on": f"2026-01-0{n + 1}"}
            made = await client.post("/board/shared-care-themes", json=theme, headers=BOARD)
            assert made.is_success
            ruling = {
                "kind": "guidance" if n == 1 else "ruling",
                "title": f"ruling {n}",
                "summary": "s",
                "effective_from": f"2026-0{n + 2}-01",
            }
            assert (await client.post("/board/rulings", json=ruling, headers=BOARD)).is_success
            clock.move(timedelta(days=1))
        [first_issue, *_] = await items(client, "/board/issues", AUDITOR)
        triaged = await client.post(
            f"/board/issues/{first_issue['issue_id']}/triage",
            json={"status": "agreed", "agreed_handling": "a ruling"},
            headers=BOARD,
        )
        assert triaged.status_code == 200, triaged.text
        members = await walk(client, "/board/members", AUDITOR, limit=2)
        lpt = await items(client, "/board/members", AUDITOR, organisation="LPT")
        issues = await walk(client, "/board/issues", AUDITOR, limit=2)
        reported = await items(client, "/board/issues", AUDITOR, status="reported")
        from_lpt = await items(client, "/board/issues", AUDITOR, reporter_organisation="LPT")
        on_the_6th = await items(
            client, "/board/issues", AUDITOR, reported_from="2026-01-06", reported_to="2026-01-06"
        )
        areas = await walk(client, "/board/new-areas", AUDITOR, limit=2)
        by_care_co = await items(client, "/board/new-areas", AUDITOR, proposed_by="CARE-CO")
        later_areas = await items(client, "/board/new-areas", AUDITOR, identified_from="2026-01-02")
        themes = await walk(client, "/board/shared-care-themes", AUDITOR, limit=1)
        early_themes = await items(
            client, "/board/shared-care-themes", AUDITOR, received_to="2026-01-02"
        )
        rulings = await walk(client, "/board/rulings", AUDITOR, limit=2)
        guidance = await items(client, "/board/rulings", AUDITOR, kind="guidance")
        spring = await items(
            client,
            "/board/rulings",
            AUDITOR,
            effective_since="2026-03-01",
            effective_until="2026-04-01",
        )
    assert of(members, "organisation") == ["LLR-ICB", "LPT", "MLCSU"]
    assert of(lpt, "organisation") == ["LPT"]
    assert of(issues, "title") == ["issue 0", "issue 1", "issue 2"]
    assert of(reported, "title") == ["issue 1", "issue 2"]
    assert of(from_lpt, "title") == ["issue 1"]
    assert of(on_the_6th, "title") == ["issue 1"]
    assert of(areas, "title") == ["area 0", "area 1", "area 2"]
    assert of(by_care_co, "title") == ["area 0", "area 2"]
    assert of(later_areas, "title") == ["area 1", "area 2"]
    assert of(themes, "title") == ["theme 0", "theme 1", "theme 2"]
    assert of(early_themes, "title") == ["theme 0", "theme 1"]
    assert of(rulings, "title") == ["ruling 0", "ruling 1", "ruling 2"]
    assert of(guidance, "title") == ["ruling 1"]
    assert of(spring, "title") == ["ruling 1", "ruling 2"]


async def test_r14_discussions_and_case_examples_walk_in_order_and_filter(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    requests = [
        given_shared_care_request(task_code="EYE-DROPS"),
        given_shared_care_request(),
        given_shared_care_request(),
    ]
    async with service_client(GOVERNANCE) as (client, runtime):
        for request in requests:
            await given_shared_care(runtime, request)
            clock.move(timedelta(days=1))
        discussions = await walk(client, "/shared-care/discussions", MDT, limit=2)
        for discussion in discussions:
            decided = await client.post(
                f"/shared-care/discussions/{discussion['discussion_id']}/decision",
                json=given_decision(),
                headers=MDT,
            )
            assert decided.status_code == 201, decided.text
            clock.move(timedelta(days=1))
        of_person = await items(
            client, "/shared-care/discussions", MDT, person_id=str(requests[1].person_id)
        )
        eye_drops = await items(client, "/shared-care/discussions", MDT, task_code="EYE-DROPS")
        delegated = await items(client, "/shared-care/discussions", MDT, decision="delegate")
        still_open = await items(client, "/shared-care/discussions", MDT, open_only=True)
        opened_later = await items(
            client, "/shared-care/discussions", MDT, opened_from="2026-01-06"
        )
        examples = await walk(client, "/shared-care/case-examples", MDT, limit=1)
        early = await items(client, "/shared-care/case-examples", MDT, decided_to="2026-01-08")
        eye_examples = await items(client, "/shared-care/case-examples", MDT, task_code="EYE-DROPS")
    people = [str(r.person_id) for r in requests]
    assert of(discussions, "person_id") == people  # oldest opened first
    assert of(of_person, "person_id") == [people[1]]
    assert of(eye_drops, "person_id") == [people[0]]
    assert of(delegated, "person_id") == people
    assert still_open == []
    assert of(opened_later, "person_id") == people[1:]
    assert of(examples, "decided_on") == ["2026-01-10", "2026-01-09", "2026-01-08"]  # latest first
    assert of(early, "decided_on") == ["2026-01-08"]
    assert of(eye_examples, "task_code") == ["EYE-DROPS"]


async def test_r22_dispute_cases_walk_oldest_raised_first_and_filter(
    service_client: ServiceClient,
) -> None:
    raised = [
        given_dispute(raised_on=date(2025, 11, 1)),
        given_dispute(raised_on=date(2025, 12, 1), raised_by="LEICESTERSHIRE-COUNTY-COUNCIL"),
        given_dispute(raised_on=date(2026, 1, 2)),
    ]
    async with service_client(GOVERNANCE) as (client, runtime):
        await deliver(runtime, *raised)
        cases = await walk(client, "/disputes", CSU, limit=2)
        as_party = await walk(client, "/disputes", bearer(Role.FINANCE_OFFICER, "LLR-ICB"), limit=1)
        moved = await client.post(
            f"/disputes/{cases[2]['case_id']}/stage",
            json={"stage": "local_resolution", "note": "n"},
            headers=CSU,
        )
        assert moved.status_code == 200, moved.text
        of_person = await items(client, "/disputes", CSU, person_id=str(raised[0].person_id))
        by_county = await items(client, "/disputes", CSU, raised_by="LEICESTERSHIRE-COUNTY-COUNCIL")
        in_december = await items(
            client, "/disputes", CSU, raised_from="2025-12-01", raised_to="2025-12-31"
        )
        local = await items(client, "/disputes", CSU, stage="local_resolution")
        too_long = await walk(client, "/disputes/open-too-long", CSU, limit=1)
        too_long_60 = await items(client, "/disputes/open-too-long", CSU, days=60)
    disputes = [str(r.dispute_id) for r in raised]
    assert of(cases, "dispute_id") == disputes
    assert of(as_party, "dispute_id") == disputes
    assert of(of_person, "dispute_id") == disputes[:1]
    assert of(by_county, "dispute_id") == disputes[1:2]
    assert of(in_december, "dispute_id") == disputes[1:2]
    assert of(local, "dispute_id") == disputes[2:]
    assert of(too_long, "dispute_id") == disputes[:2]  # raised more than 28 days before 5 Jan
    assert of(too_long_60, "dispute_id") == disputes[:1]


async def test_r27_r28_reports_sign_offs_and_counts_walk_in_order_and_filter(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        report_ids = []
        for start, end in (("2025-01-01", "2025-03-31"), ("2025-04-01", "2025-06-30")):
            asked = await client.post(
                "/equality/reports", json={"period_start": start, "period_end": end}, headers=BOARD
            )
            assert asked.status_code == 202, asked.text
            report_ids.append(asked.json()["report_id"])
        await deliver(runtime, given_equality_report(uuid.UUID(report_ids[0]), {"18-64": 40}))
        competent = CompetenceOutcome.COMPETENT
        for provider, task in (("CARE-CO", "EYE-DROPS"), ("HOME-HELP", "EYE-DROPS"), ("ACME", "X")):
            await deliver(
                runtime,
                CompetenceAssessed(
                    worker_id=uuid.uuid4(),
                    assessment_id=uuid.uuid4(),
                    task_code=task,
                    provider_organisation=provider,
                    outcome=competent,
                    assessed_on=date(2026, 1, 2),
                ),
            )
        await deliver(runtime, given_dispute())
        reports = await walk(client, "/equality/reports", AUDITOR, limit=1)
        compiled = await items(client, "/equality/reports", AUDITOR, status="compiled")
        requested = await items(client, "/equality/reports", AUDITOR, status="requested")
        second_half = await items(client, "/equality/reports", AUDITOR, period_from="2025-04-01")
        first_half = await items(client, "/equality/reports", AUDITOR, period_to="2025-03-31")
        sign_offs = await walk(client, "/board/competence-sign-offs", AUDITOR, limit=2)
        eye_drops = await items(client, "/board/competence-sign-offs", AUDITOR, task_code="X")
        counts = await walk(client, "/board/monitoring", AUDITOR, limit=1)
        disputes = await items(client, "/board/monitoring", AUDITOR, kind="dispute_raised")
    assert of(reports, "report_id") == report_ids
    assert of(compiled, "report_id") == report_ids[:1]
    assert of(requested, "report_id") == report_ids[1:]
    assert of(second_half, "report_id") == report_ids[1:]
    assert of(first_half, "report_id") == report_ids[:1]
    assert of(sign_offs, "provider_organisation") == ["ACME", "CARE-CO", "HOME-HELP"]
    assert of(eye_drops, "provider_organisation") == ["ACME"]
    assert [(c["kind"], c["count"]) for c in counts] == [
        ("competence_signed_off", 3),
        ("dispute_raised", 1),
    ]
    assert [(c["kind"], c["count"]) for c in disputes] == [("dispute_raised", 1)]


async def test_webhook_endpoints_event_types_and_deliveries_walk_in_order_and_filter(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    person = uuid.uuid4()
    async with service_client(GOVERNANCE) as (client, runtime):
        endpoints = []
        for event_types in (
            [TaskDelegated.event_type()],
            [TaskDelegated.event_type(), "uk.nhs.llr.governance.TaskCatalogueChanged.v1"],
            ["uk.nhs.llr.governance.TaskCatalogueChanged.v1"],
        ):
            created = await client.post(
                "/webhooks", json={"url": URL, "event_types": event_types}, headers=CARE_CO
            )
            assert created.status_code == 201, created.text
            endpoints.append(created.json()["endpoint_id"])
            clock.move(timedelta(minutes=1))
        await deliver(runtime, given_related(person, "CARE-CO"))
        delegations = [uuid.uuid4() for _ in range(3)]
        for delegation in delegations:
            await deliver(runtime, given_task_delegated(person, delegation))
        types = await walk(client, "/webhooks/event-types", CARE_CO, limit=2)
        all_types = await items(client, "/webhooks/event-types", CARE_CO, limit=200)
        walked = await walk(client, "/webhooks", CARE_CO, limit=1)
        asking = await items(client, "/webhooks", CARE_CO, event_type=TaskDelegated.event_type())
        path = f"/webhooks/{endpoints[0]}/deliveries"
        deliveries = await walk(client, path, CARE_CO, limit=2)
        pending = await items(client, path, CARE_CO, state="pending")
        parked = await items(client, path, CARE_CO, state="parked")
        of_type = await items(client, path, CARE_CO, event_type=TaskDelegated.event_type())
        of_subject = await items(client, path, CARE_CO, subject="nobody")
        another = await client.get(path, headers=bearer(Role.COMMISSIONER, "LLR-ICB"))
    assert types == all_types
    assert len(all_types) > 2
    assert of(walked, "endpoint_id") == endpoints
    assert of(asking, "endpoint_id") == endpoints[:2]
    ids = of(deliveries, "delivery_id")
    assert ids == sorted(ids, reverse=True)  # newest first
    assert len(ids) == 3
    assert len(pending) == len(of_type) == 3
    assert parked == of_subject == []
    assert another.status_code == 404


async def test_r22_a_partys_cases_page_whole_when_few_of_many_are_its_own(
    service_client: ServiceClient,
) -> None:
    """A party's cases are kept a row at a time (its name is in a JSON list): a page is read
    across as many batches as it takes, and nothing is skipped or repeated at their edges."""
    raised = [
        given_dispute(parties=["LLR-ICB" if n % 10 == 0 else "LEICESTERSHIRE-COUNTY-COUNCIL"])
        for n in range(70)
    ]
    async with service_client(GOVERNANCE) as (client, runtime):
        await deliver(runtime, *raised)
        everything = await items(client, "/disputes", CSU, limit=200)
        walked = await walk(client, "/disputes", bearer(Role.FINANCE_OFFICER, "LLR-ICB"), limit=5)
    own = [c["dispute_id"] for c in everything if "LLR-ICB" in c["parties"]]
    assert len(everything) == 70
    assert len(own) == 7
    assert of(walked, "dispute_id") == own
