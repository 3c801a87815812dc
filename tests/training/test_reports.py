"""R27: the IPCB oversees competence sign-off: a report per provider and task over a period."""

from __future__ import annotations

from datetime import UTC, datetime

from services.training.main import SPEC as TRAINING
from shared.auth import Role
from shared.clock import MovableClock
from tests.conftest import ServiceClient, bearer
from tests.training.builders import (
    OTHER_PROVIDER,
    PRACTITIONER,
    PROVIDER,
    TASK,
    assess,
    given_trained,
    given_worker,
)

REPORT = "/reports/competence-sign-offs"


def counts(competent: int, not_yet_competent: int, in_date_at_end: int = -1) -> dict[str, int]:
    held = competent if in_date_at_end < 0 else in_date_at_end
    return {
        "competent": competent,
        "not_yet_competent": not_yet_competent,
        "in_date_at_end": held,
    }


async def test_r27_the_ipcb_sees_sign_offs_per_provider_and_task_within_the_period(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    async with service_client(TRAINING) as (client, _runtime):
        ours, theirs, later = (
            await given_worker(client),
            await given_worker(client, OTHER_PROVIDER),
            await given_worker(client),
        )
        for worker in (ours, theirs, later):
            await given_trained(client, worker, headers=PRACTITIONER)
        await assess(client, ours)
        await assess(client, theirs, "not_yet_competent")
        clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
        await assess(client, later)
        january = await client.get(
            REPORT, params={"from": "2026-01-01", "to": "2026-01-31"}, headers=bearer(Role.AUDITOR)
        )
        quarter = await client.get(
            REPORT,
            params={"from": "2026-01-01", "to": "2026-03-31"},
            headers=bearer(Role.IPCB_MEMBER),
        )
        backwards = await client.get(
            REPORT, params={"from": "2026-03-01", "to": "2026-01-01"}, headers=bearer(Role.AUDITOR)
        )
        as_manager = await client.get(
            REPORT,
            params={"from": "2026-01-01", "to": "2026-01-31"},
            headers=bearer(Role.PROVIDER_MANAGER, PROVIDER),
        )
    assert january.json()["rows"] == [
        {"provider_organisation": PROVIDER, "task_code": TASK, **counts(1, 0)},
        {"provider_organisation": OTHER_PROVIDER, "task_code": TASK, **counts(0, 1)},
    ]
    assert quarter.json()["rows"][0]["competent"] == 2
    assert backwards.json()["errors"][0]["field"] == "to"
    assert as_manager.status_code == 403


async def test_r16_a_sign_off_counts_in_date_on_the_day_before_valid_until_not_on_it(
    service_client: ServiceClient,
) -> None:
    async with service_client(TRAINING) as (client, _runtime):
        worker = await given_worker(client)
        await given_trained(client, worker, headers=PRACTITIONER)
        await assess(client, worker, valid_until="2026-01-31")
        day_before = await client.get(
            REPORT, params={"from": "2026-01-01", "to": "2026-01-30"}, headers=bearer(Role.AUDITOR)
        )
        on_the_day = await client.get(
            REPORT, params={"from": "2026-01-01", "to": "2026-01-31"}, headers=bearer(Role.AUDITOR)
        )
    assert day_before.json()["rows"][0]["in_date_at_end"] == 1
    assert on_the_day.json()["rows"][0]["in_date_at_end"] == 0
