"""R28 equality monitoring; R27 competence sign-off oversight; monitoring of decisions."""

from __future__ import annotations

import uuid
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from services.governance.domain import monitoring as equality
from services.governance.main import SPEC as GOVERNANCE
from services.governance.models import EqualityReport
from shared.auth import Role
from shared.events.assessment import EqualityCount
from shared.events.delegation import DecisionOutcome, DelegationDecided
from shared.events.governance import EqualityReportRequested
from shared.events.training import CompetenceAssessed, CompetenceOutcome
from shared.testing.events import deliver, message_for, published
from tests.conftest import ServiceClient, bearer
from tests.governance.conftest import (
    AUDITOR,
    BOARD,
    given_dispute,
    given_equality_report,
    given_shared_care_request,
    problem_field,
    published_as,
)

PERIOD = {"period_start": "2025-04-01", "period_end": "2025-12-31"}


def given_assessment(provider: str, task: str, outcome: CompetenceOutcome) -> CompetenceAssessed:
    return CompetenceAssessed(
        worker_id=uuid.uuid4(),
        assessment_id=uuid.uuid4(),
        task_code=task,
        provider_organisation=provider,
        outcome=outcome,
        assessed_on=date(2026, 1, 2),
    )


# --- the rules, pure -------------------------------------------------------------------------


@given(st.lists(st.one_of(st.none(), st.integers(min_value=-3, max_value=50)), max_size=20))
def test_r28_no_count_under_5_is_ever_shown(counts: list[int | None]) -> None:
    rows = [
        EqualityCount(characteristic="age", value=str(i), measure="proposals", count=c)
        for i, c in enumerate(counts)
    ]
    safe, hidden = equality.suppress_small_numbers(rows)
    assert all(r.count is None or r.count >= 5 for r in safe)
    assert [r.count for r in safe if r.count is not None] == [
        c for c in counts if c is not None and c >= 5
    ]
    assert hidden == sum(1 for c in counts if c is not None and c < 5)


def test_r28_the_report_covers_the_nine_protected_characteristics() -> None:
    rows = [
        EqualityCount(
            characteristic="Religion or belief", value="none", measure="approvals", count=None
        )
    ]
    missing = equality.missing_characteristics(rows)
    assert len(equality.PROTECTED_CHARACTERISTICS) == 9
    assert "religion_or_belief" not in missing
    assert len(missing) == 8


# --- through the API, on PostgreSQL ---------------------------------------------------------


async def test_r28_the_board_asks_assessment_for_a_report_over_a_period(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        asked = await client.post("/equality/reports", json=PERIOD, headers=BOARD)
        [event] = await published_as(runtime, EqualityReportRequested)
        read = await client.get(f"/equality/reports/{asked.json()['report_id']}", headers=AUDITOR)
    assert asked.status_code == 202
    assert (event.report_id, event.period_start, event.period_end) == (
        uuid.UUID(asked.json()["report_id"]),
        date(2025, 4, 1),
        date(2025, 12, 31),
    )
    assert (read.json()["status"], read.json()["rows"]) == ("requested", [])


async def test_r28_a_report_asked_for_twice_with_the_same_key_is_requested_once(
    service_client: ServiceClient,
) -> None:
    headers = BOARD | {"Idempotency-Key": "q3"}
    async with service_client(GOVERNANCE) as (client, runtime):
        first = await client.post("/equality/reports", json=PERIOD, headers=headers)
        again = await client.post("/equality/reports", json=PERIOD, headers=headers)
        sent = await published_as(runtime, EqualityReportRequested)
    assert (first.status_code, again.status_code, len(sent)) == (202, 200, 1)


async def test_r28_a_period_that_ends_before_it_starts_or_in_the_future_is_refused(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        backwards = await client.post(
            "/equality/reports",
            json={"period_start": "2025-04-01", "period_end": "2025-01-01"},
            headers=BOARD,
        )
        future = await client.post(
            "/equality/reports",
            json={"period_start": "2025-04-01", "period_end": "2027-01-01"},
            headers=BOARD,
        )
        mdt = await client.post("/equality/reports", json=PERIOD, headers=bearer(Role.MDT_MEMBER))
        sent = await published(runtime)
    assert (problem_field(backwards), problem_field(future)) == ("period_end", "period_end")
    assert mdt.status_code == 403
    assert sent == []


async def test_r28_a_compiled_report_is_served_with_every_count_under_5_suppressed(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        asked = await client.post("/equality/reports", json=PERIOD, headers=BOARD)
        report_id = uuid.UUID(asked.json()["report_id"])
        compiled = given_equality_report(report_id, {"18-64": 40, "65-84": 3, "85+": None})
        message = message_for(compiled)
        await runtime.inbox.deliver(message)
        await runtime.inbox.deliver(message)
        read = await client.get(f"/equality/reports/{report_id}", headers=BOARD)
        async with runtime.sessions() as session:
            stored = await session.get(EqualityReport, report_id)
    body = read.json()
    assert body["status"] == "compiled"
    assert [(r["value"], r["count"]) for r in body["rows"]] == [
        ("18-64", 40),
        ("65-84", None),
        ("85+", None),
    ]
    assert "age" not in body["missing_characteristics"]
    assert stored is not None
    assert stored.resuppressed == 1
    assert all(r["count"] is None or r["count"] >= 5 for r in stored.rows or [])


async def test_r28_a_count_under_5_that_reached_the_store_is_still_not_served(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        report_id = uuid.uuid4()
        async with runtime.sessions() as session:
            session.add(
                EqualityReport(
                    report_id=report_id,
                    period_start=date(2025, 1, 1),
                    period_end=date(2025, 3, 31),
                    rows=[
                        {
                            "characteristic": "sex",
                            "value": "female",
                            "measure": "refusals",
                            "count": 2,
                        }
                    ],
                    compiled_at=runtime.clock.now(),
                    resuppressed=0,
                )
            )
            await session.commit()
        listed = await client.get("/equality/reports", headers=AUDITOR)
    assert listed.json()["items"][0]["rows"][0]["count"] is None


async def test_r27_the_board_oversees_competence_sign_off_per_provider(
    service_client: ServiceClient,
) -> None:
    competent, not_yet = CompetenceOutcome.COMPETENT, CompetenceOutcome.NOT_YET_COMPETENT
    twice = given_assessment("CARE-CO", "TOPICAL-STEROID", competent)
    async with service_client(GOVERNANCE) as (client, runtime):
        await deliver(
            runtime,
            twice,
            given_assessment("CARE-CO", "TOPICAL-STEROID", not_yet),
            given_assessment("CARE-CO", "EYE-DROPS", competent),
            given_assessment("HOME-HELP", "EYE-DROPS", competent),
        )
        await runtime.inbox.deliver(message_for(twice))  # re-sent: counted once
        all_providers = await client.get("/board/competence-sign-offs", headers=BOARD)
        one = await client.get("/board/competence-sign-offs/CARE-CO", headers=AUDITOR)
        own = await client.get(
            "/board/competence-sign-offs", headers=bearer(Role.PROVIDER_MANAGER, "HOME-HELP")
        )
        other = await client.get(
            "/board/competence-sign-offs/CARE-CO",
            headers=bearer(Role.PROVIDER_MANAGER, "HOME-HELP"),
        )
    assert [p["provider_organisation"] for p in all_providers.json()["items"]] == [
        "CARE-CO",
        "HOME-HELP",
    ]
    assert [
        (t["task_code"], t["competent"], t["not_yet_competent"]) for t in one.json()["tasks"]
    ] == [("EYE-DROPS", 1, 0), ("TOPICAL-STEROID", 1, 1)]
    assert [p["provider_organisation"] for p in own.json()["items"]] == ["HOME-HELP"]
    assert other.status_code == 404


async def test_r29_competence_sign_offs_are_monitored_by_the_framework_version_they_record(
    service_client: ServiceClient,
) -> None:
    competent, not_yet = CompetenceOutcome.COMPETENT, CompetenceOutcome.NOT_YET_COMPETENT
    under_2 = given_assessment("CARE-CO", "EYE-DROPS", competent).model_copy(
        update={"framework_version": 2}
    )
    async with service_client(GOVERNANCE) as (client, runtime):
        await deliver(runtime, under_2, given_assessment("CARE-CO", "EYE-DROPS", not_yet))
        await runtime.inbox.deliver(message_for(under_2))  # re-sent: counted once
        counts = await client.get("/board/monitoring", headers=AUDITOR)
    assert counts.json()["items"] == [
        {"kind": "competence_signed_off", "framework_version": 2, "count": 1}
    ]


async def test_r29_decisions_are_monitored_by_outcome_and_framework_version(
    service_client: ServiceClient,
) -> None:
    def decided(outcome: DecisionOutcome, version: int) -> DelegationDecided:
        return DelegationDecided(
            person_id=uuid.uuid4(),
            proposal_id=uuid.uuid4(),
            outcome=outcome,
            framework_version=version,
            decided_on=date(2026, 1, 2),
        )

    approved = decided(DecisionOutcome.APPROVED, 1)
    async with service_client(GOVERNANCE) as (client, runtime):
        await deliver(runtime, approved, approved, decided(DecisionOutcome.REFUSED, 1))
        await deliver(runtime, given_shared_care_request(), given_dispute())
        counts = await client.get("/board/monitoring", headers=AUDITOR)
        before = await client.get(
            "/board/monitoring", params={"until": "2026-01-01"}, headers=AUDITOR
        )
    assert counts.json()["items"] == [
        {"kind": "decision_approved", "framework_version": 1, "count": 1},
        {"kind": "decision_refused", "framework_version": 1, "count": 1},
        {"kind": "dispute_raised", "framework_version": None, "count": 1},
        {"kind": "shared_care_requested", "framework_version": None, "count": 1},
    ]
    assert before.json()["items"] == []


async def test_r28_a_report_compiled_without_a_request_here_is_still_kept_suppressed(
    service_client: ServiceClient,
) -> None:
    report_id = uuid.uuid4()
    async with service_client(GOVERNANCE) as (client, runtime):
        await deliver(runtime, given_equality_report(report_id, {"18-64": 4, "65-84": 12}))
        read = await client.get(f"/equality/reports/{report_id}", headers=AUDITOR)
        mdt = await client.get(f"/equality/reports/{report_id}", headers=bearer(Role.MDT_MEMBER))
    assert [r["count"] for r in read.json()["rows"]] == [None, 12]
    assert read.json()["requested_at"] is None
    assert mdt.status_code == 403
