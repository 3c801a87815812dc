"""R29: the delegation service learns Framework versions from governance's events."""

from __future__ import annotations

from datetime import UTC, date, datetime

from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.events import Envelope, new_event_id
from shared.events.cloudevents import Message, headers_for
from shared.events.governance import FrameworkVersionPublished
from tests.conftest import ServiceClient, bearer


def given_message(event: FrameworkVersionPublished) -> Message:
    envelope = Envelope(
        id=new_event_id(),
        source="/llr/governance",
        type=event.event_type(),
        time=datetime.now(UTC),
        subject=event.subject(),
    )
    return Message(
        topic=event.topic,
        key=event.subject().encode(),
        value=event.model_dump_json().encode(),
        headers=headers_for(envelope),
    )


async def test_r29_a_published_version_is_in_force_for_decisions_from_its_date(
    service_client: ServiceClient,
) -> None:
    event = FrameworkVersionPublished(
        subject_id="framework-version-2", version=2, effective_from=date(2027, 1, 1), summary="v2"
    )
    async with service_client(DELEGATION) as (client, runtime):
        message = given_message(event)
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
