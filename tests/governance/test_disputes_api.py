"""R22: a joint-funding dispute goes to the CSU under the LLR policy, on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from httpx import AsyncClient, Response

from services.governance.main import SPEC as GOVERNANCE
from shared.auth import Role
from shared.clock import MovableClock
from shared.events.funding import DisputeRaised, DisputeSubject, Share
from shared.events.governance import DisputeResolved
from shared.service import Runtime
from shared.testing.events import deliver, message_for
from tests.conftest import ServiceClient, bearer
from tests.governance.conftest import (
    AUDITOR,
    CSU,
    given_dispute,
    given_only,
    problem_field,
    published_as,
)

PARTIES = ["LEICESTER-CITY-COUNCIL", "LLR-ICB"]
CITY_FINANCE = bearer(Role.FINANCE_OFFICER, "LEICESTER-CITY-COUNCIL")
RUTLAND_FINANCE = bearer(Role.FINANCE_OFFICER, "RUTLAND-COUNTY-COUNCIL")
SHARES = [
    {"organisation": "LLR-ICB", "percent": 60},
    {"organisation": "LEICESTER-CITY-COUNCIL", "percent": 40},
]


# --- through the API, on PostgreSQL ---------------------------------------------------------


async def test_r22_dispute_raised_opens_a_csu_case_once(service_client: ServiceClient) -> None:
    raised = given_dispute()
    async with service_client(GOVERNANCE) as (client, runtime):
        message = message_for(raised)
        await runtime.inbox.deliver(message)
        await runtime.inbox.deliver(message)
        await deliver(runtime, raised)  # the same dispute sent again under a new event id
        cases = (await client.get("/disputes", headers=CSU)).json()["items"]
    [case] = cases
    assert (case["dispute_id"], case["stage"]) == (str(raised.dispute_id), "raised")
    assert case["parties"] == PARTIES
    assert [h["stage"] for h in case["stage_history"]] == ["raised"]


async def test_r22_a_case_is_taken_through_the_policy_to_an_outcome_that_funding_applies(
    service_client: ServiceClient,
) -> None:
    raised = given_dispute()
    async with service_client(GOVERNANCE) as (client, runtime):
        await deliver(runtime, raised)
        case = await given_only(client, "/disputes", CSU)
        path = f"/disputes/{case['case_id']}"
        local = await client.post(
            f"{path}/stage",
            json={"stage": "local_resolution", "note": "parties meet"},
            headers=CSU,
        )
        evidence = await client.post(
            f"{path}/evidence",
            json={
                "submitted_by": "LEICESTER-CITY-COUNCIL",
                "description": "care plan costs",
                "reference": "doc-17",
            },
            headers=CITY_FINANCE,
        )
        review = await client.post(
            f"{path}/stage",
            json={"stage": "csu_review", "note": "no local agreement"},
            headers=CSU,
        )
        resolved = await client.post(
            f"{path}/resolution",
            json={"shares": SHARES, "effective_from": "2025-12-01", "rationale": "mostly health"},
            headers=CSU,
        )
        [event] = await published_as(runtime, DisputeResolved)
        read = await client.get(path, headers=CSU)
    assert (local.status_code, evidence.status_code, review.status_code) == (200, 201, 200)
    assert resolved.status_code == 200
    assert event == DisputeResolved(
        subject_id=f"dispute-case-{case['case_id']}",
        case_id=uuid.UUID(case["case_id"]),
        dispute_id=raised.dispute_id,
        package_id=raised.package_id,
        person_id=raised.person_id,
        shares=[Share.model_validate(s) for s in SHARES],
        effective_from=date(2025, 12, 1),
        resolved_on=date(2026, 1, 5),
        framework_version=1,  # R29: the version in force on the day it was resolved
    )
    body = read.json()
    assert body["framework_version"] == 1
    assert [h["stage"] for h in body["stage_history"]] == [
        "raised",
        "local_resolution",
        "csu_review",
        "resolved",
    ]
    assert [e["reference"] for e in body["evidence"]] == ["doc-17"]
    assert (body["stage"], body["effective_from"], body["outcome_rationale"]) == (
        "resolved",
        "2025-12-01",
        "mostly health",
    )


async def test_r22_an_outcome_that_does_not_add_up_is_refused_and_nothing_is_published(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        await deliver(runtime, given_dispute())
        case = await given_only(client, "/disputes", CSU)
        path = f"/disputes/{case['case_id']}"
        too_early = await client.post(
            f"{path}/resolution",
            json={"shares": SHARES, "effective_from": "2025-12-01", "rationale": "r"},
            headers=CSU,
        )
        await client.post(
            f"{path}/stage", json={"stage": "local_resolution", "note": "n"}, headers=CSU
        )
        short = await client.post(
            f"{path}/resolution",
            json={"shares": SHARES[:1], "effective_from": "2025-12-01", "rationale": "r"},
            headers=CSU,
        )
        negative = await client.post(
            f"{path}/resolution",
            json={
                "shares": [{"organisation": "LLR-ICB", "weekly_pence": -1}],
                "effective_from": "2025-12-01",
                "rationale": "r",
            },
            headers=CSU,
        )
        skipped = await client.post(
            f"{path}/stage", json={"stage": "raised", "note": "n"}, headers=CSU
        )
        read = await client.get(path, headers=CSU)
        sent = await published_as(runtime, DisputeResolved)
    assert too_early.json()["rule"] == "R22"
    assert (short.status_code, problem_field(short)) == (422, "shares")
    assert problem_field(negative) == "shares.0.weekly_pence"
    assert skipped.json()["rule"] == "R22"
    assert (read.json()["stage"], read.json()["shares"], sent) == ("local_resolution", None, [])


async def test_r22_a_resolved_case_is_not_resolved_again(service_client: ServiceClient) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        await deliver(runtime, given_dispute())
        case = await given_only(client, "/disputes", CSU)
        path = f"/disputes/{case['case_id']}"
        await client.post(
            f"{path}/stage", json={"stage": "local_resolution", "note": "n"}, headers=CSU
        )
        body = {"shares": SHARES, "effective_from": "2025-12-01", "rationale": "r"}
        first = await client.post(f"{path}/resolution", json=body, headers=CSU)
        again = await client.post(f"{path}/resolution", json=body, headers=CSU)
        sent = await published_as(runtime, DisputeResolved)
    assert (first.status_code, again.status_code, len(sent)) == (200, 409, 1)


async def test_r22_cases_open_longer_than_the_configured_days_are_listed(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    old = given_dispute(raised_on=date(2025, 11, 1))
    recent = given_dispute(raised_on=date(2026, 1, 2))
    async with service_client(GOVERNANCE) as (client, runtime):
        await deliver(runtime, old, recent)
        by_default = await client.get("/disputes/open-too-long", headers=CSU)
        asked = await client.get("/disputes/open-too-long", params={"days": 2}, headers=CSU)
        bad = await client.get("/disputes/open-too-long", params={"days": -1}, headers=CSU)
    async with service_client(GOVERNANCE, dispute_open_too_long_days=100) as (client, runtime):
        await deliver(runtime, old, recent)
        configured = await client.get("/disputes/open-too-long", headers=CSU)
        clock.move(timedelta(days=60))
        later = await client.get("/disputes/open-too-long", headers=CSU)
    assert [c["dispute_id"] for c in by_default.json()["items"]] == [str(old.dispute_id)]
    assert [c["dispute_id"] for c in asked.json()["items"]] == [
        str(old.dispute_id),
        str(recent.dispute_id),
    ]
    assert configured.json()["items"] == []
    assert [c["dispute_id"] for c in later.json()["items"]] == [str(old.dispute_id)]
    assert problem_field(bad) == "query.days"


async def test_r22_a_party_sees_only_its_own_cases_and_adds_only_its_own_evidence(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        await deliver(runtime, given_dispute())
        case = await given_only(client, "/disputes", CSU)
        path = f"/disputes/{case['case_id']}"
        city_list = await client.get("/disputes", headers=CITY_FINANCE)
        rutland_list = await client.get("/disputes", headers=RUTLAND_FINANCE)
        rutland_read = await client.get(path, headers=RUTLAND_FINANCE)
        as_other_party = await client.post(
            f"{path}/evidence",
            json={"submitted_by": "LLR-ICB", "description": "d"},
            headers=CITY_FINANCE,
        )
        not_a_party = await client.post(
            f"{path}/evidence", json={"submitted_by": "LPT", "description": "d"}, headers=CSU
        )
        mdt = await client.post(
            f"{path}/stage",
            json={"stage": "local_resolution", "note": "n"},
            headers=bearer(Role.MDT_MEMBER),
        )
    assert len(city_list.json()["items"]) == 1
    assert rutland_list.json()["items"] == []
    assert rutland_read.status_code == 404
    assert as_other_party.status_code == 404
    assert (not_a_party.json()["rule"], problem_field(not_a_party)) == ("R22", "submitted_by")
    assert mdt.status_code == 403


async def test_r29_a_resolution_records_the_framework_version_in_force_that_day(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        published = await client.post(
            "/framework-versions",
            json={"version": 2, "effective_from": "2026-01-10", "summary": "Version 2"},
            headers=bearer(Role.IPCB_MEMBER),
        )
        await deliver(runtime, given_dispute(), given_dispute())
        before, after = (await client.get("/disputes", headers=CSU)).json()["items"]
        outcome = {"shares": SHARES, "effective_from": "2025-12-01", "rationale": "health"}
        for case in (before, after):
            await client.post(
                f"/disputes/{case['case_id']}/stage",
                json={"stage": "local_resolution", "note": "n"},
                headers=CSU,
            )
        under_version_1 = await client.post(
            f"/disputes/{before['case_id']}/resolution", json=outcome, headers=CSU
        )
        clock.move(timedelta(days=5))  # 10 January: version 2 takes effect
        under_version_2 = await client.post(
            f"/disputes/{after['case_id']}/resolution", json=outcome, headers=CSU
        )
        events = await published_as(runtime, DisputeResolved)
        monitored = (await client.get("/board/monitoring", headers=AUDITOR)).json()["items"]
    assert published.status_code == 201
    assert [
        (m["kind"], m["framework_version"]) for m in monitored if m["kind"] != "dispute_raised"
    ] == [
        ("dispute_resolved", 1),
        ("dispute_resolved", 2),
    ]
    versions = [r.json()["framework_version"] for r in (under_version_1, under_version_2)]
    assert versions == [1, 2]
    assert [e.framework_version for e in events] == [1, 2]


async def resolved_at_the_csu(
    client: AsyncClient, runtime: Runtime, raised: DisputeRaised, shares: list[dict[str, Any]]
) -> Response:
    await deliver(runtime, raised)
    case = await given_only(client, "/disputes", CSU)
    path = f"/disputes/{case['case_id']}"
    await client.post(f"{path}/stage", json={"stage": "local_resolution", "note": "n"}, headers=CSU)
    body = {"shares": shares, "effective_from": "2026-01-05", "rationale": "r"}
    return await client.post(f"{path}/resolution", json=body, headers=CSU)


async def test_r22_weekly_pence_that_do_not_make_the_packages_cost_are_refused_at_the_csu(
    service_client: ServiceClient,
) -> None:
    """Issue 15: £300 and £200 on a £700 package were accepted (and re-proportioned)."""
    raised = given_dispute(weekly_cost_pence=70_000)
    pence = [
        {"organisation": "LLR-ICB", "weekly_pence": 30_000},
        {"organisation": "LEICESTER-CITY-COUNCIL", "weekly_pence": 20_000},
    ]
    async with service_client(GOVERNANCE) as (client, runtime):
        refused = await resolved_at_the_csu(client, runtime, raised, pence)
        pence[1]["weekly_pence"] = 40_000
        case = await given_only(client, "/disputes", CSU)
        accepted = await client.post(
            f"/disputes/{case['case_id']}/resolution",
            json={"shares": pence, "effective_from": "2026-01-05", "rationale": "r"},
            headers=CSU,
        )
        sent = await published_as(runtime, DisputeResolved)
    assert (refused.status_code, problem_field(refused)) == (422, "shares")
    assert "50000" in refused.json()["errors"][0]["reason"]
    assert (case["subject_kind"], case["weekly_cost_pence"]) == ("joint_package", 70_000)
    assert accepted.status_code == 200
    assert len(sent) == 1


async def test_r22_a_dispute_about_an_apportionment_names_one_payer_at_the_csu(
    service_client: ServiceClient,
) -> None:
    raised = given_dispute(subject_kind=DisputeSubject.APPORTIONMENT, weekly_cost_pence=4_000)
    async with service_client(GOVERNANCE) as (client, runtime):
        split = await resolved_at_the_csu(client, runtime, raised, SHARES)
        case = await given_only(client, "/disputes", CSU)
        one = await client.post(
            f"/disputes/{case['case_id']}/resolution",
            json={
                "shares": [{"organisation": "LEICESTER-CITY-COUNCIL", "percent": 100}],
                "effective_from": "2026-01-05",
                "rationale": "r",
            },
            headers=CSU,
        )
    assert (split.status_code, problem_field(split)) == (422, "shares")
    assert case["subject_kind"] == "apportionment"
    assert one.status_code == 200


async def test_r11_r22_the_csu_cannot_name_the_council_to_pay_for_a_task_failing_s22(
    service_client: ServiceClient,
) -> None:
    """Found writing journey 12: governance accepted the council as the payer of a task whose
    s.22 test failed, and funding then refused the outcome (R11) and parked it, the case
    resolved and the dispute open. The case now knows who may not pay, as funding said."""
    raised = given_dispute(
        subject_kind=DisputeSubject.APPORTIONMENT,
        weekly_cost_pence=4_000,
        may_not_pay=["LEICESTER-CITY-COUNCIL"],
    )
    async with service_client(GOVERNANCE) as (client, runtime):
        council = await resolved_at_the_csu(
            client, runtime, raised, [{"organisation": "LEICESTER-CITY-COUNCIL", "percent": 100}]
        )
        case = await given_only(client, "/disputes", CSU)
        nhs = await client.post(
            f"/disputes/{case['case_id']}/resolution",
            json={
                "shares": [{"organisation": "LLR-ICB", "percent": 100}],
                "effective_from": "2026-01-05",
                "rationale": "r",
            },
            headers=CSU,
        )
        [sent] = await published_as(runtime, DisputeResolved)
    assert council.status_code == 422, council.text
    assert council.json()["rule"] == "R11"
    assert problem_field(council) == "shares.0.organisation"
    assert nhs.status_code == 200, nhs.text
    assert [s.organisation for s in sent.shares] == ["LLR-ICB"]
