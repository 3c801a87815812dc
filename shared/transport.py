"""Two transports behind one interface: Apache Kafka, and in-process for standalone mode."""

from __future__ import annotations

import asyncio
import contextlib
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError

from shared import metrics
from shared.events.cloudevents import Message
from shared.outbox import PublishFailed

log = structlog.get_logger()
Deliver = Callable[[Message], Awaitable[None]]
DeliverBatch = Callable[[Sequence[Message]], Awaitable[None]]


class InProcessBus:
    """Standalone mode: publishing delivers to every subscribed inbox before it returns."""

    def __init__(self) -> None:
        self._subscribers: dict[str, list[Deliver]] = defaultdict(list)

    def subscribe(self, topic: str, deliver: Deliver) -> None:
        self._subscribers[topic].append(deliver)

    async def publish(self, messages: Sequence[Message]) -> None:
        for message in messages:
            for deliver in self._subscribers[message.topic]:
                await deliver(message)


class KafkaPublisher:
    """Idempotent producer, acks=all, every wait bounded; a failure resets the producer."""

    def __init__(self, bootstrap: str, *, timeout: float = 10.0) -> None:
        self.bootstrap = bootstrap
        self.timeout = timeout
        self._producer: AIOKafkaProducer | None = None

    async def _started(self) -> AIOKafkaProducer:
        if self._producer is None:
            producer = AIOKafkaProducer(
                bootstrap_servers=self.bootstrap,
                enable_idempotence=True,
                acks="all",
                linger_ms=5,
                request_timeout_ms=int(self.timeout * 1000),
                max_batch_size=1024 * 1024,
            )
            try:
                await asyncio.wait_for(producer.start(), self.timeout)
            except BaseException:
                await _bounded(producer.stop(), self.timeout)
                raise
            self._producer = producer
        return self._producer

    async def publish(self, messages: Sequence[Message]) -> None:
        try:
            await asyncio.wait_for(self._send_all(messages), self.timeout)
        except Exception as exc:
            await self.stop()
            raise PublishFailed(repr(exc)) from exc

    async def _send_all(self, messages: Sequence[Message]) -> None:
        producer = await self._started()
        sent = [
            await producer.send(m.topic, value=m.value, key=m.key, headers=list(m.headers))
            for m in messages
        ]
        await asyncio.gather(*sent)

    @property
    def connected(self) -> bool:
        return self._producer is not None

    async def stop(self) -> None:
        producer, self._producer = self._producer, None
        if producer is not None:
            await _bounded(producer.stop(), self.timeout)


class KafkaSubscriber:
    """Consumes topics as one group member; the offset is committed after the inbox commit."""

    def __init__(
        self, bootstrap: str, group: str, topics: Sequence[str], deliver: DeliverBatch, service: str
    ) -> None:
        self.bootstrap = bootstrap
        self.group = group
        self.topics = list(topics)
        self.deliver = deliver
        self.service = service

    def _consumer(self) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=self.bootstrap,
            group_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=500,
            session_timeout_ms=10_000,
            heartbeat_interval_ms=1_000,
        )

    async def run(self, stop: asyncio.Event, ready: asyncio.Event | None = None) -> None:
        while not stop.is_set():
            consumer = self._consumer()
            try:
                await asyncio.wait_for(consumer.start(), 30)
                if ready is not None:
                    ready.set()
                await self._consume(consumer, stop)
            except Exception as exc:  # broker gone or database down: start again, nothing is lost
                log.warning("consumer restarting", service=self.service, error=repr(exc))
                await asyncio.sleep(1)
            finally:
                await _bounded(consumer.stop(), 10)

    async def _consume(self, consumer: AIOKafkaConsumer, stop: asyncio.Event) -> None:
        while not stop.is_set():
            batches = await consumer.getmany(timeout_ms=200, max_records=500)
            for partition, records in batches.items():
                await self.deliver([_message(record) for record in records])
                await consumer.commit({partition: records[-1].offset + 1})
                self._observe_lag(consumer, partition, records[-1].offset)

    def _observe_lag(self, consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int) -> None:
        end = consumer.highwater(tp)
        if end is not None:
            metrics.CONSUMER_LAG.labels(self.service, f"{tp.topic}-{tp.partition}").set(
                max(end - offset - 1, 0)
            )


def _message(record: ConsumerRecord[bytes, bytes]) -> Message:
    return Message(
        topic=record.topic,
        key=record.key or b"",
        value=record.value or b"",
        headers=tuple(record.headers),
        partition=record.partition,
        offset=record.offset,
    )


async def ensure_topics(
    bootstrap: str, topics: Sequence[str], *, partitions: int = 3, replication: int = 1
) -> None:
    """Create the topics that do not exist yet (the brokers do not auto-create)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=15_000)
    await asyncio.wait_for(admin.start(), 30)
    try:
        existing = set(await admin.list_topics())
        wanted = [
            NewTopic(t, num_partitions=partitions, replication_factor=replication)
            for t in topics
            if t not in existing
        ]
        if wanted:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(wanted)
    finally:
        await admin.close()


async def broker_reachable(bootstrap: str) -> None:
    """Readiness: the first bootstrap broker accepts a connection (raises otherwise)."""
    host, port = bootstrap.split(",")[0].strip().rsplit(":", 1)
    _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 2)
    writer.close()
    await writer.wait_closed()


async def _bounded(awaitable: Awaitable[object], seconds: float) -> None:
    try:
        await asyncio.wait_for(awaitable, seconds)
    except Exception as exc:
        log.warning("bounded stop gave up", error=repr(exc))
