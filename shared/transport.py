"""Two transports behind one interface: Apache Kafka, and in-process for standalone mode."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.conn import create_conn
from aiokafka.errors import (
    AuthenticationFailedError,
    SaslAuthenticationFailed,
    TopicAlreadyExistsError,
    UnsupportedSaslMechanismError,
)
from aiokafka.helpers import create_ssl_context

from shared import metrics, tracing
from shared.events.cloudevents import Message
from shared.outbox import PublishFailed, produce_in_batches
from shared.settings import ServiceSettings

log = structlog.get_logger()
Deliver = Callable[[Message], Awaitable[None]]
DeliverBatch = Callable[[Sequence[Message]], Awaitable[None]]
FETCH_RECORDS = 1000  # at most this many records a fetch, applied in one inbox transaction
FILL_SECONDS = 0.05  # how long a fetch may wait for more records that are known to be waiting


@dataclass(frozen=True)
class KafkaSecurity:
    """How every client (producer, consumer, admin, readiness) authenticates to the brokers."""

    protocol: str = "PLAINTEXT"
    cafile: Path | None = None
    certfile: Path | None = None
    keyfile: Path | None = None
    mechanism: str = "SCRAM-SHA-512"
    username: str = ""
    password: str = field(default="", repr=False)

    @classmethod
    def of(cls, settings: ServiceSettings) -> KafkaSecurity:
        return cls(
            protocol=settings.kafka_security_protocol,
            cafile=settings.kafka_ssl_cafile,
            certfile=settings.kafka_ssl_certfile,
            keyfile=settings.kafka_ssl_keyfile,
            mechanism=settings.kafka_sasl_mechanism,
            username=settings.kafka_sasl_username,
            password=settings.kafka_sasl_password.get_secret_value(),
        )

    def options(self) -> dict[str, Any]:
        """Keyword arguments for aiokafka's producer, consumer, admin client and connections."""
        options: dict[str, Any] = {"security_protocol": self.protocol}
        if self.protocol in ("SSL", "SASL_SSL"):
            options["ssl_context"] = create_ssl_context(
                cafile=self.cafile, certfile=self.certfile, keyfile=self.keyfile
            )
        if self.protocol.startswith("SASL"):
            options["sasl_mechanism"] = self.mechanism
            options["sasl_plain_username"] = self.username
            options["sasl_plain_password"] = self.password
        return options


PLAINTEXT = KafkaSecurity()


class KafkaNotReady(ConnectionError):
    """The brokers cannot be used; the message says why in one line."""


def why_kafka_failed(exc: BaseException) -> str:
    """One line an operator can act on, for the log and for /ready."""
    if isinstance(exc, AuthenticationFailedError | SaslAuthenticationFailed):
        return f"Kafka refused the SASL credentials (check KAFKA_SASL_USERNAME/PASSWORD): {exc}"
    if isinstance(exc, UnsupportedSaslMechanismError):
        return f"the brokers do not offer this SASL mechanism (KAFKA_SASL_MECHANISM): {exc}"
    if isinstance(exc, ssl.SSLError):
        return f"TLS with Kafka failed (check KAFKA_SSL_CAFILE and the client certificate): {exc}"
    return repr(exc)


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

    def __init__(
        self,
        bootstrap: str,
        *,
        timeout: float = 10.0,
        security: KafkaSecurity = PLAINTEXT,
        service: str = "",
    ) -> None:
        self.bootstrap = bootstrap
        self.timeout = timeout
        self.security = security
        self.service = service
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
                **self.security.options(),
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
            metrics.RELAY_FAILURES.labels(self.service).inc()
            await self.stop()
            raise PublishFailed(why_kafka_failed(exc)) from exc

    async def _send_all(self, messages: Sequence[Message]) -> None:
        producer = await self._started()
        if not tracing.exporting():
            # One record batch per partition: the relay's fast path (order per key kept).
            await produce_in_batches(producer, messages)
            return
        # While traces are exported, record by record so each send span joins its row's trace.
        sent = []
        for m in messages:
            with tracing.continued(m.headers) as headers:
                sent.append(await producer.send(m.topic, value=m.value, key=m.key, headers=headers))
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
        self,
        bootstrap: str,
        group: str,
        topics: Sequence[str],
        deliver: DeliverBatch,
        service: str,
        *,
        security: KafkaSecurity = PLAINTEXT,
    ) -> None:
        self.bootstrap = bootstrap
        self.group = group
        self.topics = list(topics)
        self.deliver = deliver
        self.service = service
        self.security = security

    def _consumer(self) -> AIOKafkaConsumer:
        return AIOKafkaConsumer(
            *self.topics,
            bootstrap_servers=self.bootstrap,
            group_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            max_poll_records=FETCH_RECORDS,
            session_timeout_ms=10_000,
            heartbeat_interval_ms=1_000,
            **self.security.options(),
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
                log.warning(
                    "consumer restarting", service=self.service, error=why_kafka_failed(exc)
                )
                await asyncio.sleep(1)
            finally:
                await _bounded(consumer.stop(), 10)

    async def _consume(self, consumer: AIOKafkaConsumer, stop: asyncio.Event) -> None:
        """Each fetch is delivered as one batch (one inbox transaction), then its offsets are
        committed in one request. A partition's records keep their order; records of different
        partitions have different keys, so their interleaving changes no effect.

        The next fetch is taken while a batch is applied, and a batch's offset commit is in
        flight while the next is applied (it is awaited before the next commit is sent): the
        worker decodes while the database works. Batches are still applied one at a time, in
        order; what was fetched but not applied when the loop stops is fetched again, from the
        committed offsets, by whoever consumes next (the inbox drops what it has seen)."""
        fetching = asyncio.ensure_future(_fetch(consumer))
        committing: asyncio.Future[None] | None = None
        try:
            while not stop.is_set():
                batches = await fetching
                fetching = asyncio.ensure_future(_fetch(consumer))
                if not batches:
                    continue
                await self.deliver([_message(r) for records in batches.values() for r in records])
                if committing is not None:
                    await committing
                offsets = {tp: records[-1].offset + 1 for tp, records in batches.items()}
                committing = asyncio.ensure_future(consumer.commit(offsets))
                for tp, records in batches.items():
                    self._observe_lag(consumer, tp, records[-1].offset)
            if committing is not None:
                await committing
        finally:
            for pending in (fetching, committing):
                if pending is not None and not pending.done():
                    pending.cancel()
                    pending.add_done_callback(_retrieved)

    def _observe_lag(self, consumer: AIOKafkaConsumer, tp: TopicPartition, offset: int) -> None:
        end = consumer.highwater(tp)
        if end is not None:
            metrics.CONSUMER_LAG.labels(self.service, tp.topic, str(tp.partition)).set(
                max(end - offset - 1, 0)
            )


Fetched = dict[TopicPartition, list[ConsumerRecord[bytes, bytes]]]


async def _fetch(consumer: AIOKafkaConsumer) -> Fetched:
    """Up to FETCH_RECORDS records. The consumer hands over what its last fetch brought (often a
    single record batch of each partition); while the partitions have more waiting (a replay, a
    backlog) it takes the next fetches too, briefly, so one transaction applies a full batch.
    With no backlog it returns at once: latency is not traded for batch size."""
    batches: Fetched = await consumer.getmany(timeout_ms=200, max_records=FETCH_RECORDS)
    count = sum(len(records) for records in batches.values())
    deadline = asyncio.get_running_loop().time() + FILL_SECONDS
    while count < FETCH_RECORDS and _behind(consumer, batches):
        if asyncio.get_running_loop().time() >= deadline:
            break
        more = await consumer.getmany(timeout_ms=10, max_records=FETCH_RECORDS - count)
        for tp, records in more.items():
            batches.setdefault(tp, []).extend(records)
            count += len(records)
    return batches


def _retrieved(future: asyncio.Future[Any]) -> None:
    """A fetch or commit abandoned when the loop stopped: its outcome is not needed."""
    if not future.cancelled():
        future.exception()


def _behind(consumer: AIOKafkaConsumer, batches: Fetched) -> bool:
    """Records past the last one fetched are known to wait in one of these partitions."""
    for tp, records in batches.items():
        end = consumer.highwater(tp)
        if end is not None and end > records[-1].offset + 1:
            return True
    return False


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
    bootstrap: str,
    topics: Sequence[str],
    *,
    partitions: int = 3,
    replication: int = 1,
    security: KafkaSecurity = PLAINTEXT,
) -> None:
    """Create the topics that do not exist yet (the brokers do not auto-create)."""
    admin = AIOKafkaAdminClient(
        bootstrap_servers=bootstrap, request_timeout_ms=15_000, **security.options()
    )
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


async def broker_reachable(bootstrap: str, security: KafkaSecurity = PLAINTEXT) -> None:
    """Readiness: the first bootstrap broker accepts a connection, TLS and SASL included (raises
    KafkaNotReady with the reason otherwise)."""
    host, port = bootstrap.split(",")[0].strip().rsplit(":", 1)
    try:
        connection = await asyncio.wait_for(
            create_conn(host, int(port), request_timeout_ms=2_000, **security.options()), 2.5
        )
    except Exception as exc:
        raise KafkaNotReady(why_kafka_failed(exc)) from exc
    connection.close()


async def _bounded(awaitable: Awaitable[object], seconds: float) -> None:
    try:
        await asyncio.wait_for(awaitable, seconds)
    except Exception as exc:
        log.warning("bounded stop gave up", error=repr(exc))
