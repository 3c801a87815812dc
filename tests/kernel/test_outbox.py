"""The outbox on real PostgreSQL and Kafka: nothing lost, nothing sent twice, order kept."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable
from typing import Any

import pytest
from aiokafka import AIOKafkaConsumer
from sqlalchemy import event, func, select

from shared.outbox import Relay, outbox, publish
from shared.service import Runtime
from shared.testing.plugin import MakeTopics
from shared.testing.servers import Server
from shared.transport import KafkaPublisher
from tests.kernel.things import ThingHappened


async def count_outbox(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(outbox)) or 0)


async def given_things_published(runtime: Runtime, thing_id: str, count: int) -> None:
    for sequence in range(1, count + 1):
        async with runtime.sessions() as session, session.begin():
            await publish(session, ThingHappened(thing_id=thing_id, sequence=sequence))


async def read_topic(bootstrap: str, topic: str, expected: int) -> list[object]:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
        group_id=None,
    )
    await consumer.start()
    records: list[object] = []
    try:
        deadline = asyncio.get_running_loop().time() + 30
        while asyncio.get_running_loop().time() < deadline:
            batch = await consumer.getmany(timeout_ms=500)
            records += [r for rs in batch.values() for r in rs]
            if len(records) >= expected:
                extra = await consumer.getmany(timeout_ms=1500)  # anything sent twice shows up
                records += [r for rs in extra.values() for r in rs]
                break
    finally:
        await consumer.stop()
    return records


async def test_a_rolled_back_transaction_leaves_no_outbox_row(
    things_runtime: Callable[..., Runtime],
) -> None:
    runtime = things_runtime()

    async def change_that_fails() -> None:
        async with runtime.sessions() as session, session.begin():
            await publish(session, ThingHappened(thing_id="a", sequence=1))
            raise RuntimeError("the change fails after the event was added")

    with pytest.raises(RuntimeError):
        await change_that_fails()
    assert await count_outbox(runtime) == 0


async def test_a_committed_event_is_published_once_in_order_with_cloudevents_headers(
    things_runtime: Callable[..., Runtime],
    kafka_server: Server,
    make_topics: MakeTopics,
    topic_namespace: str,
) -> None:
    await make_topics([ThingHappened.topic])
    runtime = things_runtime()
    await given_things_published(runtime, "thing-1", 25)
    publisher = KafkaPublisher(kafka_server.address)
    relay = Relay(
        "things",
        runtime.sessions,
        publisher,
        runtime.clock,
        namespace=topic_namespace,
        batch_size=10,
    )

    sent = [await relay.relay_once() for _ in range(4)]
    await publisher.stop()

    assert sent == [10, 10, 5, 0]
    records = await read_topic(kafka_server.address, topic_namespace + ThingHappened.topic, 25)
    assert [ThingHappened.model_validate_json(r.value).sequence for r in records] == list(  # type: ignore[attr-defined]
        range(1, 26)
    )
    headers = dict(records[0].headers)  # type: ignore[attr-defined]
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_type"] == b"uk.nhs.llr.kerneltest.ThingHappened.v1"
    assert headers["ce_source"] == b"/llr/things"
    assert headers["ce_subject"] == b"thing-1"
    assert {"ce_id", "ce_time"} <= headers.keys()
    assert len({dict(r.headers)["ce_id"] for r in records}) == 25  # type: ignore[attr-defined]


async def test_many_keys_over_partitions_keep_their_order_and_each_batch_is_marked_in_one_statement(
    things_runtime: Callable[..., Runtime],
    kafka_server: Server,
    make_topics: MakeTopics,
    topic_namespace: str,
) -> None:
    await make_topics([ThingHappened.topic])  # three partitions
    runtime = things_runtime()
    async with runtime.sessions() as session, session.begin():
        for sequence in range(300):
            await publish(session, ThingHappened(thing_id=f"k{sequence % 17}", sequence=sequence))
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(runtime.engine.sync_engine, "before_cursor_execute", seen)
    publisher = KafkaPublisher(kafka_server.address)
    relay = Relay(
        "things",
        runtime.sessions,
        publisher,
        runtime.clock,
        namespace=topic_namespace,
        batch_size=120,
    )

    sent = [await relay.relay_once() for _ in range(4)]
    await publisher.stop()
    event.remove(runtime.engine.sync_engine, "before_cursor_execute", seen)

    assert sent == [120, 120, 60, 0]
    assert sum(s.lstrip().upper().startswith("UPDATE OUTBOX") for s in statements) == 3
    records = await read_topic(kafka_server.address, topic_namespace + ThingHappened.topic, 300)
    by_key: dict[str, list[int]] = defaultdict(list)
    partitions: dict[str, set[int]] = defaultdict(set)
    for record in records:
        thing = ThingHappened.model_validate_json(record.value)  # type: ignore[attr-defined]
        by_key[thing.thing_id].append(thing.sequence)
        partitions[thing.thing_id].add(record.partition)  # type: ignore[attr-defined]
    assert len(records) == 300
    assert all(sequences == sorted(sequences) for sequences in by_key.values())
    assert all(len(found) == 1 for found in partitions.values())
    assert len({p for found in partitions.values() for p in found}) > 1
