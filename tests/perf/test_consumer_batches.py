"""The consumer applies a fetch as one batch: one inbox transaction and one offset commit for the
records of every partition it brought, in each partition's order."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.events.cloudevents import Message
from shared.testing.plugin import MakeTopics, eventually
from shared.testing.servers import Server
from shared.transport import FETCH_RECORDS, KafkaSubscriber

RECORDS = 2_400  # over 3 partitions: more than two full fetches


async def given_records(bootstrap: str, topic: str) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, acks="all", enable_idempotence=True)
    await producer.start()
    try:
        sent = [
            await producer.send(topic, f"{i}".encode(), key=f"key-{i % 30}".encode())
            for i in range(RECORDS)
        ]
        await asyncio.gather(*sent)
    finally:
        await producer.stop()


async def committed(bootstrap: str, group: str, topic: str) -> dict[int, int | None]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group)
    await consumer.start()
    try:
        return {p: await consumer.committed(TopicPartition(topic, p)) for p in range(3)}
    finally:
        await consumer.stop()


async def test_a_fetch_of_several_partitions_is_one_delivery_and_one_offset_commit(
    kafka_server: Server, make_topics: MakeTopics, topic_namespace: str
) -> None:
    await make_topics(["batches"])
    topic, group = topic_namespace + "batches", f"batches-{uuid.uuid4().hex[:6]}"
    await given_records(kafka_server.address, topic)
    deliveries: list[Sequence[Message]] = []

    async def deliver(messages: Sequence[Message]) -> None:
        deliveries.append(messages)

    subscriber = KafkaSubscriber(kafka_server.address, group, [topic], deliver, "things")
    stop = asyncio.Event()
    running = asyncio.create_task(subscriber.run(stop))
    try:
        await eventually(lambda: _received(deliveries, RECORDS), seconds=60)
    finally:
        stop.set()
        await running

    received = [m for batch in deliveries for m in batch]
    assert len(received) == RECORDS  # each once
    assert all(len(batch) <= FETCH_RECORDS for batch in deliveries)
    assert any(len({m.partition for m in batch}) > 1 for batch in deliveries)
    for partition in range(3):  # each partition's records in their order
        offsets = [m.offset for m in received if m.partition == partition]
        assert offsets == sorted(offsets)
    ends = {p: max(m.offset for m in received if m.partition == p) + 1 for p in range(3)}
    assert await committed(kafka_server.address, group, topic) == ends


async def _received(deliveries: list[Sequence[Message]], count: int) -> bool:
    return sum(len(batch) for batch in deliveries) >= count
