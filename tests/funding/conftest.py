"""Builders for the funding service's tests."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID, uuid4

from httpx import AsyncClient

from shared.auth import Role
from shared.events.delegation import TaskDelegated
from shared.events.funding import Share
from shared.events.governance import DisputeResolved
from shared.events.vocabulary import (
    Direction,
    OversightKind,
    RelationshipBasis,
    Setting,
    TaskCategory,
)
from shared.relationships import relationship
from shared.service import Runtime
from shared.testing.events import deliver
from tests.conftest import bearer

ICB = "LLR-ICB"
CITY = "LEICESTER-CITY-COUNCIL"
COUNTY = "LEICESTERSHIRE-COUNTY-COUNCIL"
PROVIDER = "PROVIDER-CARE-LTD"
OTHER_PROVIDER = "OTHER-CARE-LTD"


def commissioner(organisation: str = ICB) -> dict[str, str]:
    return bearer(Role.COMMISSIONER, organisation)


def finance(organisation: str = ICB) -> dict[str, str]:
    return bearer(Role.FINANCE_OFFICER, organisation)


def given_task_delegated(**overrides: Any) -> TaskDelegated:
    fields: dict[str, Any] = {
        "person_id": uuid4(),
        "delegation_id": uuid4(),
        "task_code": "TOPICAL-CREAM",
        "category": TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
        "direction": Direction.HEALTH_TO_SOCIAL,
        "setting": Setting.OWN_HOME,
        "accountable_organisation": ICB,
        "provider_organisation": PROVIDER,
        "local_authority": CITY,
        "additional_minutes_per_week": 0,
        "start_date": date(2026, 1, 5),
        "oversight_kind": OversightKind.PRIMARY_CARE,
        "oversight_owner": "C82001",
        "worker_ids": [uuid4()],
    }
    return TaskDelegated(**(fields | overrides))


async def given_rate(
    client: AsyncClient,
    hourly_rate_pence: int = 2400,
    effective_from: str = "2025-04-01",
    provider: str = PROVIDER,
    by: str = ICB,
) -> dict[str, Any]:
    """What commissioner `by` pays `provider` an hour from a date."""
    response = await client.post(
        "/rates",
        json={
            "provider_organisation": provider,
            "hourly_rate_pence": hourly_rate_pence,
            "effective_from": effective_from,
        },
        headers=commissioner(by),
    )
    assert response.status_code in (200, 201), response.text
    body: dict[str, Any] = response.json()
    return body


async def given_related(
    runtime: Runtime,
    person_id: UUID | str,
    *organisations: str,
    basis: RelationshipBasis = RelationshipBasis.COMMISSIONER,
) -> None:
    """Assessment says each organisation has a legitimate relationship with the person (since
    the start of 2025), delivered as every service receives it."""
    person = UUID(str(person_id))
    since = datetime(2025, 1, 1, tzinfo=UTC)
    for organisation in organisations:
        await deliver(runtime, relationship(person, organisation, basis, uuid4(), since))


def given_package_body(**overrides: Any) -> dict[str, Any]:
    return {
        "person_id": str(uuid4()),
        "setting": "registered_care_home",
        "weekly_cost_pence": 70_000,
        "shares": [{"organisation": ICB, "percent": 60}, {"organisation": CITY, "percent": 40}],
        "effective_from": "2026-01-05",
        "chc_outcome": "not_eligible",  # R21: not eligible for NHS Continuing Healthcare
        "chc_decided_on": "2025-12-15",
    } | overrides


async def given_package(client: AsyncClient, **overrides: Any) -> dict[str, Any]:
    response = await client.post(
        "/joint-packages", json=given_package_body(**overrides), headers=commissioner()
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def given_dispute_resolved(
    package: dict[str, Any],
    dispute_id: UUID,
    shares: list[Share],
    effective_from: date,
    resolved_on: date,
) -> DisputeResolved:
    return DisputeResolved(
        subject_id=f"dispute-{dispute_id}",
        case_id=uuid4(),
        dispute_id=dispute_id,
        package_id=UUID(package["id"]),
        person_id=UUID(package["person_id"]),
        shares=shares,
        effective_from=effective_from,
        resolved_on=resolved_on,
    )


async def statement(client: AsyncClient, organisation: str, start: str, end: str) -> dict[str, Any]:
    response = await client.get(
        "/statements",
        params={"period_start": start, "period_end": end},
        headers=finance(organisation),
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
