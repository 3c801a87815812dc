"""The outbox: events are rows written in the caller's transaction, then relayed in order."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

import structlog
from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared import metrics, tracing
from shared.clock import Clock
from shared.db import JSONDocument, UTCDateTime, context_of, dialect_of, now, plumbing_metadata
from shared.events import Envelope, Event, new_event_id
from shared.events.cloudevents import Message, headers_for

log = structlog.get_logger()

outbox = Table(
    "outbox",
    plumbing_metadata,
    Column(
        "id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("event_id", Uuid, nullable=False, unique=True),
    Column("topic", String(200), nullable=False),
    Column("key", String(200), nullable=False),
    Column("type", String(200), nullable=False),
    Column("source", String(100), nullable=False),
    Column("payload", Text, nullable=False),
    Column("headers", JSONDocument, nullable=False),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("sent_at", UTCDateTime, nullable=True),
)


class Publisher(Protocol):
    async def publish(self, messages: Sequence[Message]) -> None: ...


class PublishFailed(Exception):
    pass


def session_clock(session: AsyncSession) -> Clock:
    """Kept for the handlers not yet converted: prefer `shared.db.now(session)`."""
    return context_of(session).clock


async def publish(session: AsyncSession, event: Event, **headers: str) -> None:
    """Publishing is adding an outbox row to the caller's transaction; the relay sends it later."""
    await session.execute(
        insert(outbox).values(
            event_id=new_event_id(),
            topic=event.topic,
            key=event.subject(),
            type=event.event_type(),
            source=f"/llr/{context_of(session).service}",
            payload=event.model_dump_json(),
            headers={**tracing.current_context_headers(), **headers},
            occurred_at=now(session),
        )
    )


def to_message(row: Mapping[Any, Any], namespace: str) -> Message:
    envelope = Envelope.model_construct(  # the row was validated when it was written
        id=row["event_id"],
        source=row["source"],
        type=row["type"],
        time=row["occurred_at"],
        subject=row["key"],
    )
    extra = tuple((k, str(v).encode()) for k, v in (row["headers"] or {}).items())
    return Message(
        topic=namespace + row["topic"],
        key=row["key"].encode(),
        value=row["payload"].encode(),
        headers=headers_for(envelope) + extra,
    )


class Relay:
    """Publishes unsent outbox rows in id order, then marks them sent."""

    def __init__(
        self,
        service: str,
        sessions: async_sessionmaker[AsyncSession],
        publisher: Publisher,
        clock: Clock,
        *,
        namespace: str = "",
        batch_size: int = 500,
    ) -> None:
        self.service = service
        self.sessions = sessions
        self.publisher = publisher
        self.clock = clock
        self.namespace = namespace
        self.batch_size = batch_size

    async def relay_once(self) -> int:
        async with self.sessions() as session, session.begin():
            if not await _lead(session, self.service):
                return 0
            rows = (
                (
                    await session.execute(
                        select(outbox)
                        .where(outbox.c.sent_at.is_(None))
                        .order_by(outbox.c.id)
                        .limit(self.batch_size)
                    )
                )
                .mappings()
                .all()
            )
            if not rows:
                return 0
            await self.publisher.publish([to_message(r, self.namespace) for r in rows])
            await session.execute(
                update(outbox)
                .where(outbox.c.id.in_([r["id"] for r in rows]))
                .values(sent_at=self.clock.now())
            )
        metrics.EVENTS_PUBLISHED.labels(self.service).inc(len(rows))
        return len(rows)

    async def run(self, stop: asyncio.Event, interval: float = 0.05) -> None:
        backoff, observed = interval, 0.0
        loop = asyncio.get_running_loop()
        while not stop.is_set():
            try:
                sent = await self.relay_once()
                backoff = interval
            except Exception as exc:  # the broker or database is down: keep the rows, try later
                log.warning("outbox relay failed", service=self.service, error=repr(exc))
                sent, backoff = 0, min(backoff * 2, 5.0)
            if loop.time() - observed >= 1.0:  # the gauges matter most while Kafka is down
                observed = loop.time()
                with contextlib.suppress(Exception):
                    await self.observe_backlog()
            if not sent:
                await _sleep_until(stop, backoff)

    async def observe_backlog(self) -> None:
        backlog, oldest = await backlog_of(self.sessions)
        metrics.OUTBOX_BACKLOG.labels(self.service).set(backlog)
        age = (self.clock.now() - oldest).total_seconds() if oldest else 0.0
        metrics.OUTBOX_OLDEST_AGE.labels(self.service).set(max(age, 0.0))


async def backlog_of(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, datetime | None]:
    async with sessions() as session:
        count, oldest = (
            await session.execute(
                select(func.count(), func.min(outbox.c.occurred_at)).where(
                    outbox.c.sent_at.is_(None)
                )
            )
        ).one()
    return int(count), oldest


async def _lead(session: AsyncSession, service: str) -> bool:
    """One relay per service at a time keeps the order; others wait for their turn."""
    if dialect_of(session) != "postgresql":
        return True
    lock = await session.execute(
        text("SELECT pg_try_advisory_xact_lock(hashtext(:name))"), {"name": f"outbox:{service}"}
    )
    return bool(lock.scalar_one())


async def _sleep_until(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)
