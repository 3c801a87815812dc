"""R29: the delegation service learns Framework versions from governance's events."""

from __future__ import annotations

from datetime import date

from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.events.governance import FrameworkVersionPublished
from shared.testing.events import message_for
from tests.conftest import ServiceClient, bearer


async def test_r29_a_published_version_is_in_force_for_decisions_from_its_date(
    service_client: ServiceClient,
) -> None:
    event = FrameworkVersionPublished(
        subject_id="framework-version-2",
        version=2,
        effective_from=date(2027, 1, 1),
        summary="v2",
    )
    async with service_client(DELEGATION) as (client, runtime):
        message = message_for(event)
        await runtime.inbox.deliver(message)
        await runtime.inbox.deliver(message)  # redelivered: no second effect
        on_the_day = await client.get(
            "/framework-versions/in-force",
            params={"on": "2027-01-01"},
            headers=bearer(Role.MDT_MEMBER),
        )
        the_day_before = await client.get(
            "/framework-versions/in-force",
            params={"on": "2026-12-31"},
            headers=bearer(Role.MDT_MEMBER),
        )
    assert on_the_day.json()["version"] == 2
    assert the_day_before.json()["version"] == 1
