"""Tolerant readers (issue 17): an event carrying a field its reader does not know is applied, not
parked, so a producer may add an optional field before every consumer is redeployed.

The messages are built with the official CloudEvents SDK (`cloudevents`, pinned), in the Kafka
protocol binding's binary mode, as a partner's producer would build them.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiokafka import AIOKafkaProducer
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary, to_binary
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from fastapi import APIRouter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.clock import MovableClock
from shared.events import Event, contracts
from shared.events.cloudevents import Message, classes_of, decode
from shared.events.governance import FrameworkVersionPublished
from shared.service import Runtime, ServiceSpec
from shared.testing.events import message_for
from shared.testing.plugin import Databases, MakeTopics, eventually
from shared.testing.servers import Server
from shared.worker import subscriber_for
from tests.conftest import ServiceClient, bearer, given_runtime
from tests.kernel import things

EVENTS = contracts.all_events()
LATER = "added_in_a_later_version"


def with_unknown_fields(value: Any) -> Any:
    """The payload a newer producer sends: one more field in the event and in every nested part."""
    if isinstance(value, dict):
        return {**{k: with_unknown_fields(v) for k, v in value.items()}, LATER: {"any": [1, "x"]}}
    if isinstance(value, list):
        return [with_unknown_fields(v) for v in value]
    return value


def sdk_message(event: type[Event], source: str = "/partner/newer-producer") -> KafkaMessage:
    """The event's example, one field richer, as the CloudEvents SDK writes it for Kafka."""
    example = contracts.example_of(event)
    cloud_event = CloudEvent(
        attributes={
            "id": str(uuid.uuid4()),
            "source": source,
            "type": event.event_type(),
            "time": datetime.now(UTC),
            "subject": example.subject(),
            "datacontenttype": "application/json",
        },
        data=with_unknown_fields(example.model_dump(mode="json")),
    )
    return to_binary(cloud_event, JSONFormat(), key_mapper=lambda e: e.get_subject())


def as_record(event: type[Event], message: KafkaMessage) -> Message:
    key = message.key.encode() if isinstance(message.key, str) else message.key or b""
    return Message(event.topic, key, message.value, tuple(message.headers.items()))


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_the_platform_reads_an_sdk_built_event_with_fields_it_does_not_know(name: str) -> None:
    event = EVENTS[name]
    message = sdk_message(event)
    assert LATER.encode() in message.value
    assert message.headers["ce_type"] == name.encode()
    envelope, decoded = decode(as_record(event, message), classes_of([event]))
    assert envelope.type == name
    assert decoded == contracts.example_of(event)  # the unknown fields are dropped, nothing else
    assert LATER not in decoded.model_dump_json()


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_the_cloudevents_sdk_reads_what_the_platform_sends(name: str) -> None:
    """The other way round: a partner's consumer built on the SDK reads the platform's records."""
    example = contracts.example_of(EVENTS[name])
    record = message_for(example, source="/llr/test")
    read = from_binary(
        KafkaMessage(dict(record.headers), record.key, record.value), JSONFormat(), CloudEvent
    )
    assert read.get_type() == name
    assert read.get_subject() == example.subject()
    assert read.get_data() == example.model_dump(mode="json")


def test_an_event_read_tolerantly_is_still_frozen() -> None:
    event = EVENTS["uk.nhs.llr.funding.JointPackageAgreed.v1"]
    decoded = decode(as_record(event, sdk_message(event)), classes_of([event]))[1]
    with pytest.raises(ValueError, match="frozen"):
        decoded.person_id = uuid.uuid4()  # type: ignore[attr-defined]


# --- On real Kafka: a consumer subscribed to every event type --------------------------------


async def record(session: AsyncSession, event: Event) -> None:
    """The handler of every event type: one effect row named after the event."""
    assert LATER not in event.model_dump_json()
    session.add(things.Effect(thing_id=type(event).__name__, sequence=event.type_version))


TOLERANT = ServiceSpec(
    name="tolerant",
    title="A consumer of every event type (kernel tests)",
    description="",
    router=APIRouter(),
    metadata=things.metadata,
    subscriptions={event: record for event in EVENTS.values()},
    migrations_dir=Path(__file__).parent,
)


@pytest.fixture
async def consumer(
    databases: Databases,
    clock: MovableClock,
    kafka_server: Server,
    make_topics: MakeTopics,
    topic_namespace: str,
) -> AsyncIterator[Runtime]:
    """The tolerant service's inbox, consuming every topic as its worker would."""
    await make_topics(TOLERANT.consumed_topics)
    url = await databases.fresh("tolerant", things.create_tables)
    runtime = given_runtime(
        TOLERANT,
        url,
        clock,
        kafka_bootstrap=kafka_server.address,
        topic_namespace=topic_namespace,
        consumer_group=f"tolerant-{topic_namespace}",
        consumer_attempts=2,
        consumer_backoff_seconds=0.01,
    )
    stop, ready = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(subscriber_for(runtime).run(stop, ready))
    await asyncio.wait_for(ready.wait(), 60)
    try:
        yield runtime
    finally:
        stop.set()
        await asyncio.wait_for(task, 60)
        await runtime.close()


async def test_every_event_type_with_an_unknown_field_is_applied_from_kafka_not_parked(
    consumer: Runtime, kafka_server: Server, topic_namespace: str
) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=kafka_server.address, acks="all")
    await producer.start()
    try:
        for event in EVENTS.values():
            message = sdk_message(event)
            await producer.send_and_wait(
                topic_namespace + event.topic,
                value=message.value,
                key=message.key.encode() if isinstance(message.key, str) else message.key,
                headers=list(message.headers.items()),
            )
    finally:
        await producer.stop()

    async def applied() -> list[str]:
        async with consumer.sessions() as session:
            return sorted((await session.scalars(select(things.Effect.thing_id))).all())

    async def all_applied() -> bool:
        return len(await applied()) >= len(EVENTS) or bool(await consumer.inbox.parked())

    await eventually(all_applied, seconds=60)
    assert await consumer.inbox.parked() == []
    assert await applied() == sorted(e.__name__ for e in EVENTS.values())


async def test_r29_delegation_applies_a_newer_framework_version_event_it_only_partly_knows(
    service_client: ServiceClient,
) -> None:
    """A real service's inbox: governance added a field; delegation was not redeployed."""
    event = FrameworkVersionPublished
    data = {
        "subject_id": "framework-version-2",
        "version": 2,
        "effective_from": "2027-01-01",
        "summary": "v2",
        "approved_by_board_meeting": "IPCB-2026-11",  # unknown to this reader
    }
    cloud_event = CloudEvent(
        attributes={
            "source": "/llr/governance",
            "type": event.event_type(),
            "subject": data["subject_id"],
            "datacontenttype": "application/json",
        },
        data=data,
    )
    message = to_binary(cloud_event, JSONFormat(), key_mapper=lambda e: e.get_subject())
    async with service_client(DELEGATION) as (client, runtime):
        await runtime.inbox.deliver(as_record(event, message))
        in_force = await client.get(
            "/framework-versions/in-force",
            params={"on": "2027-01-01"},
            headers=bearer(Role.MDT_MEMBER),
        )
        assert await runtime.inbox.parked() == []
    assert in_force.json()["version"] == 2
