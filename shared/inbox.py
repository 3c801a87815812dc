"""The inbox: apply each event once, with its effect, or park it with its error."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import structlog
from opentelemetry.trace import SpanKind
from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared import metrics, tracing
from shared.clock import Clock
from shared.db import (
    JSONDocument,
    UTCDateTime,
    insert_absent,
    insert_if_absent,
    plumbing_metadata,
)
from shared.events import Event
from shared.events.cloudevents import Message, decode
from shared.events.operations import MessageParked
from shared.outbox import publish

log = structlog.get_logger()

Handler = Callable[[AsyncSession, Any], Awaitable[None]]
Subscriptions = Mapping[type[Event], Handler]

inbox = Table(
    "inbox",
    plumbing_metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("type", String(200), nullable=False),
    Column("processed_at", UTCDateTime, nullable=False),
)

dead_letters = Table(
    "dead_letters",
    plumbing_metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("topic", String(200), nullable=False),
    Column("partition", Integer, nullable=False),
    Column("offset", BigInteger, nullable=False),
    Column("key", Text, nullable=False),
    Column("headers", JSONDocument, nullable=False),
    Column("value", Text, nullable=False),
    Column("error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("parked_at", UTCDateTime, nullable=False),
    Column("replayed_at", UTCDateTime, nullable=True),
)


def topics_of(subscriptions: Subscriptions) -> list[str]:
    return sorted({cls.topic for cls in subscriptions})


class Inbox:
    """Delivers messages to a service's handlers; used by the Kafka and in-process transports."""

    def __init__(
        self,
        service: str,
        sessions: async_sessionmaker[AsyncSession],
        subscriptions: Subscriptions,
        clock: Clock,
        *,
        attempts: int = 5,
        backoff: float = 0.2,
    ) -> None:
        self.service = service
        self.sessions = sessions
        self.handlers = {cls.event_type(): handler for cls, handler in subscriptions.items()}
        self.clock = clock
        self.attempts = attempts
        self.backoff = backoff

    def wants(self, message: Message) -> bool:
        return message.header("ce_type") in self.handlers or message.header("ce_type") is None

    async def deliver(self, message: Message) -> None:
        """Returns once the message is applied, found to be a duplicate, or parked."""
        if not self.wants(message):
            return
        error: Exception | None = None
        for attempt in range(1, self.attempts + 1):
            try:
                await self._apply(message)
                return
            except Exception as exc:
                error = exc
                log.warning("event failed", service=self.service, attempt=attempt, error=repr(exc))
                if attempt < self.attempts:
                    await asyncio.sleep(self.backoff * 2 ** (attempt - 1))
        await self._park(message, error)

    async def deliver_batch(self, messages: Sequence[Message]) -> None:
        """Apply a batch in one transaction; if any of it fails, deliver each on its own."""
        wanted = [m for m in messages if self.wants(m)]
        if len(wanted) <= 1:
            for message in wanted:
                await self.deliver(message)
            return
        try:
            async with self.sessions() as session, session.begin():
                await self._apply_batch_in(session, wanted)
        except Exception as exc:
            log.info("batch failed; delivering one by one", service=self.service, error=repr(exc))
            for message in wanted:
                await self.deliver(message)

    async def _apply_batch_in(self, session: AsyncSession, messages: Sequence[Message]) -> None:
        # A handler's queries must see what earlier events in the batch wrote; writes that no
        # query needs still go to the database together, at commit.
        session.autoflush = True
        decoded = [decode(message) for message in messages]
        now = self.clock.now()
        rows = {e.id: {"event_id": e.id, "type": e.type, "processed_at": now} for e, _ in decoded}
        fresh = await insert_absent(session, inbox, list(rows.values()))
        for (envelope, event), message in zip(decoded, messages, strict=True):
            if envelope.id not in fresh:
                continue  # applied before, or twice in this batch: no second effect
            fresh.discard(envelope.id)
            headers = {k: v.decode(errors="replace") for k, v in message.headers}
            with tracing.span(
                f"apply {envelope.type}", SpanKind.CONSUMER, headers, service=self.service
            ):
                await self.handlers[envelope.type](session, event)
            metrics.EVENTS_CONSUMED.labels(self.service, envelope.type).inc()

    async def _apply(self, message: Message) -> None:
        async with self.sessions() as session, session.begin():
            await self._apply_in(session, message)

    async def _apply_in(self, session: AsyncSession, message: Message) -> None:
        headers = {k: v.decode(errors="replace") for k, v in message.headers}
        name = f"apply {headers.get('ce_type', 'unknown')}"
        with tracing.span(name, SpanKind.CONSUMER, headers, service=self.service):
            envelope, event = decode(message)
            structlog.contextvars.bind_contextvars(event_id=str(envelope.id))
            row = {"event_id": envelope.id, "type": envelope.type, "processed_at": self.clock.now()}
            if not await insert_if_absent(session, inbox, row):
                return  # applied before: a redelivery has no second effect
            await self.handlers[envelope.type](session, event)
        metrics.EVENTS_CONSUMED.labels(self.service, envelope.type).inc()

    async def _park(self, message: Message, error: Exception | None) -> None:
        async with self.sessions() as session, session.begin():
            parked = await session.execute(
                insert(dead_letters)
                .returning(dead_letters.c.id)
                .values(
                    topic=message.topic,
                    partition=message.partition,
                    offset=message.offset,
                    key=message.key.decode(errors="replace"),
                    headers={k: v.decode(errors="replace") for k, v in message.headers},
                    value=message.value.decode(errors="replace"),
                    error=repr(error),
                    attempts=self.attempts,
                    parked_at=self.clock.now(),
                )
            )
            await publish(
                session,
                MessageParked(
                    service=self.service,
                    dead_letter_id=parked.scalar_one(),
                    source_topic=message.topic,
                    partition=message.partition,
                    offset=message.offset,
                    ce_type=message.header("ce_type"),
                    ce_id=message.header("ce_id"),
                    error=repr(error)[:1000],
                    attempts=self.attempts,
                    parked_at=self.clock.now(),
                ),
            )
        metrics.DEAD_LETTERS.labels(self.service).inc()
        log.error("event parked", service=self.service, topic=message.topic, error=repr(error))

    async def parked(self) -> list[dict[str, Any]]:
        async with self.sessions() as session:
            rows = await session.execute(
                select(dead_letters)
                .where(dead_letters.c.replayed_at.is_(None))
                .order_by(dead_letters.c.id)
            )
            return [dict(r) for r in rows.mappings()]

    async def replay(self, dead_letter_id: int) -> bool:
        """Deliver a parked message again; True when it now applies."""
        async with self.sessions() as session:
            row = (
                (
                    await session.execute(
                        select(dead_letters).where(
                            dead_letters.c.id == dead_letter_id,
                            dead_letters.c.replayed_at.is_(None),
                        )
                    )
                )
                .mappings()
                .first()
            )
        if row is None:
            return False
        message = Message(
            topic=row["topic"],
            key=row["key"].encode(),
            value=row["value"].encode(),
            headers=tuple((k, str(v).encode()) for k, v in row["headers"].items()),
            partition=row["partition"],
            offset=row["offset"],
        )
        try:
            await self._apply(message)
        except Exception as exc:
            log.warning("replay failed", id=dead_letter_id, error=repr(exc))
            return False
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(dead_letters)
                .where(dead_letters.c.id == dead_letter_id)
                .values(replayed_at=self.clock.now())
            )
        return True
