"""The outbox: events are rows written in the caller's transaction, then relayed in order.

The relay sends unsent rows in id order, a batch at a time (one record batch per partition through
aiokafka's batch API), marks the batch sent in one statement, and sleeps until a commit adds rows:
on PostgreSQL a trigger NOTIFYs on every insert into the outbox and the relay LISTENs (with a slow
poll as a safety net); on SQLite it polls. It also deletes what is past the retention window: sent
outbox rows, inbox ids and idempotency keys, in batches.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Protocol

import asyncpg
import structlog
from aiokafka.partitioner import murmur2
from sqlalchemy import (
    DDL,
    BigInteger,
    Column,
    Index,
    Insert,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    any_,
    bindparam,
    cast,
    delete,
    event,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared import metrics, tracing
from shared.clock import Clock
from shared.db import JSONDocument, UTCDateTime, context_of, dialect_of, now, plumbing_metadata
from shared.events import Event, new_event_id
from shared.events.cloudevents import Message, headers_of
from shared.idempotency import idempotency_keys
from shared.settings import ServiceSettings

if TYPE_CHECKING:
    from aiokafka import AIOKafkaProducer

log = structlog.get_logger()

NOTIFY_CHANNEL = "llr_outbox"
DEFAULT_RETENTION_DAYS = 7.0
PRUNE_BATCH = 5_000
LISTENING_POLL_SECONDS = 1.0  # a safety net only: a NOTIFY wakes the relay at once

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
    # The relay's query reads only unsent rows: without this it walks every sent row first.
    Index(
        "ix_outbox_unsent",
        "id",
        postgresql_where=text("sent_at IS NULL"),
        sqlite_where=text("sent_at IS NULL"),
    ),
)

# A commit that added outbox rows wakes the relay (NOTIFY is delivered at commit, once per
# transaction and channel however many rows it added). New databases get it with the table; a
# migration brings an existing one level by executing these statements.
NOTIFY_DDL = (
    "CREATE OR REPLACE FUNCTION llr_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN PERFORM pg_notify('{NOTIFY_CHANNEL}', ''); RETURN NULL; END $$",
    "CREATE TRIGGER outbox_notify AFTER INSERT ON outbox "
    "FOR EACH STATEMENT EXECUTE FUNCTION llr_outbox_notify()",
)
for _statement in NOTIFY_DDL:
    event.listen(
        outbox,
        "after_create",
        DDL(_statement).execute_if(dialect="postgresql"),  # type: ignore[no-untyped-call]
    )


class Publisher(Protocol):
    async def publish(self, messages: Sequence[Message]) -> None: ...


class PublishFailed(Exception):
    pass


async def publish(session: AsyncSession, event: Event, **headers: str) -> None:
    """Publishing is adding an outbox row to the caller's transaction; the relay sends it later."""
    await session.execute(insert(outbox).values(_row(session, event, headers)))


async def publish_all(
    session: AsyncSession, events: Sequence[Event], *, with_row: Insert | None = None
) -> None:
    """Events in order, and another row of the same transaction (an audit row), in as few round
    trips as keep the statements cached: on PostgreSQL the other row's INSERT rides with the
    last event's as a data-modifying WITH (a multi-row VALUES would be compiled afresh for
    every call); on SQLite one statement each."""
    rows = [_row(session, event, {}) for event in events]
    for row in rows[:-1]:
        await session.execute(insert(outbox).values(row))
    if not rows:
        if with_row is not None:
            await session.execute(with_row)
        return
    statement = insert(outbox).values(rows[-1])
    if with_row is not None:
        if dialect_of(session) == "postgresql":
            statement = statement.add_cte(with_row.cte("with_row"))
        else:
            await session.execute(with_row)
    await session.execute(statement)


def rows_of(session: AsyncSession, events: Sequence[Event]) -> list[dict[str, Any]]:
    """The outbox rows of events, in order, not yet written: for a caller that writes them in
    one statement with its own rows (they are published when that statement commits)."""
    return [_row(session, event, {}) for event in events]


def _row(session: AsyncSession, event: Event, headers: Mapping[str, str]) -> dict[str, Any]:
    return {
        "event_id": new_event_id(),
        "topic": event.topic,
        "key": event.subject(),
        "type": event.event_type(),
        "source": f"/llr/{context_of(session).service}",
        "payload": event.model_dump_json(),
        "headers": {**tracing.current_context_headers(), **headers},
        "occurred_at": now(session),
    }


def to_message(row: Mapping[Any, Any], namespace: str) -> Message:
    """The Kafka record of an outbox row (the row was validated when it was written)."""
    headers = row["headers"]
    if isinstance(headers, str):  # the relay reads them as text: most rows have none to parse
        headers = json.loads(headers) if headers != "{}" else None
    extra = tuple((k, str(v).encode()) for k, v in (headers or {}).items())
    return Message(
        topic=namespace + row["topic"],
        key=row["key"].encode(),
        value=row["payload"].encode(),
        headers=headers_of(
            row["event_id"], row["source"], row["type"], row["occurred_at"], row["key"]
        )
        + extra,
    )


@functools.lru_cache(maxsize=65_536)
def _key_hash(key: bytes) -> int:
    return int(murmur2(key)) & 0x7FFFFFFF  # the Java client's partitioner, as aiokafka's default


async def produce_in_batches(producer: AIOKafkaProducer, messages: Sequence[Message]) -> None:
    """Send records as one record batch per partition and wait for every acknowledgement.

    A key maps to one partition (the default partitioner's murmur2) and its records are appended
    in order; the idempotent producer keeps each partition's batches in order, so order per key
    holds as with record-by-record sends, at a fraction of the Python work per record.
    """
    partitions: dict[str, list[int]] = {}
    batches: dict[tuple[str, int], Any] = {}
    acks: list[asyncio.Future[Any]] = []
    for m in messages:
        if m.topic not in partitions:
            partitions[m.topic] = sorted(await producer.partitions_for(m.topic))
        known = partitions[m.topic]
        where = (m.topic, known[_key_hash(m.key) % len(known)])
        batch = batches.get(where) or batches.setdefault(where, producer.create_batch())
        headers = list(m.headers)  # the C record builder takes a list only
        if batch.append(key=m.key, value=m.value, timestamp=None, headers=headers) is None:
            acks.append(await _send(producer, batch, *where))
            batch = batches[where] = producer.create_batch()
            if batch.append(key=m.key, value=m.value, timestamp=None, headers=headers) is None:
                raise PublishFailed(f"a record of {len(m.value)} B does not fit in a batch")
    for (topic, partition), batch in batches.items():
        acks.append(await _send(producer, batch, topic, partition))
    await asyncio.gather(*acks)


async def _send(producer: AIOKafkaProducer, batch: Any, topic: str, partition: int) -> Any:
    """A closed batch is complete: the producer sends it at once rather than lingering for more
    records (`linger_ms`) that will never come."""
    batch.close()
    return await producer.send_batch(batch, topic, partition=partition)


_UNSENT = (
    select(
        *(c for c in outbox.c if c.name != "headers"), cast(outbox.c.headers, Text).label("headers")
    )
    .where(outbox.c.sent_at.is_(None))
    .order_by(outbox.c.id)
    .limit(bindparam("batch_size"))
)
_MARK_SENT_PG = (
    update(outbox)
    .where(outbox.c.id == any_(bindparam("ids", type_=ARRAY(BigInteger))))
    .values(sent_at=bindparam("now"))
)


async def _mark_sent(session: AsyncSession, ids: list[int], now: datetime) -> None:
    """One statement for the batch (an array on PostgreSQL: the statement text never changes)."""
    if dialect_of(session) == "postgresql":
        await session.execute(_MARK_SENT_PG, {"ids": ids, "now": now})
    else:
        await session.execute(update(outbox).where(outbox.c.id.in_(ids)).values(sent_at=now))


class Relay:
    """Publishes unsent outbox rows in id order and marks them sent; prunes past retention."""

    def __init__(
        self,
        service: str,
        sessions: async_sessionmaker[AsyncSession],
        publisher: Publisher,
        clock: Clock,
        *,
        namespace: str = "",
        batch_size: int = 500,
        retention: timedelta | None = None,
        prune_every: float = 60.0,
    ) -> None:
        self.service = service
        self.sessions = sessions
        self.publisher = publisher
        self.clock = clock
        self.namespace = namespace
        self.batch_size = batch_size
        self.retention = retention
        self.prune_every = prune_every

    async def relay_once(self) -> int:
        async with self.sessions() as session, session.begin():
            if not await _lead(session, self.service):
                return 0
            rows = (
                (await session.execute(_UNSENT, {"batch_size": self.batch_size})).mappings().all()
            )
            if not rows:
                return 0
            await self.publisher.publish([to_message(r, self.namespace) for r in rows])
            await _mark_sent(session, [r["id"] for r in rows], self.clock.now())
        metrics.EVENTS_PUBLISHED.labels(self.service).inc(len(rows))
        return len(rows)

    async def run(self, stop: asyncio.Event, interval: float = 0.05) -> None:
        backoff, observed, pruned = interval, 0.0, 0.0
        loop = asyncio.get_running_loop()
        wakeup = Wakeup(self.sessions)
        try:
            while not stop.is_set():
                wakeup.clear()
                try:
                    sent, failed = await self.relay_once(), False
                    backoff = interval
                except Exception as exc:  # the broker or database is down: keep rows, try later
                    log.warning("outbox relay failed", service=self.service, error=repr(exc))
                    sent, failed, backoff = 0, True, min(backoff * 2, 5.0)
                if loop.time() - observed >= 1.0:  # the gauges matter most while Kafka is down
                    observed = loop.time()
                    with contextlib.suppress(Exception):
                        await self.observe_backlog()
                if loop.time() - pruned >= self.prune_every:
                    pruned = loop.time()
                    await self._prune_quietly()
                if failed:
                    await _sleep_until(stop, backoff)
                elif sent < self.batch_size:  # a full batch means more rows are waiting
                    await wakeup.wait(stop, interval)
        finally:
            await wakeup.close()

    async def observe_backlog(self) -> None:
        backlog, oldest = await backlog_of(self.sessions)
        metrics.OUTBOX_BACKLOG.labels(self.service).set(backlog)
        age = (self.clock.now() - oldest).total_seconds() if oldest else 0.0
        metrics.OUTBOX_OLDEST_AGE.labels(self.service).set(max(age, 0.0))

    async def prune(self) -> dict[str, int]:
        """Delete sent outbox rows, inbox ids and idempotency keys older than the retention
        window, in batches; returns how many of each went, and refreshes the row gauges."""
        async with self.sessions() as session:
            cutoff = self.clock.now() - (self.retention or retention_of(session))
        deleted = {
            name: await _delete_in_batches(self.sessions, retained, cutoff)
            for name, retained in _retained_tables().items()
        }
        async with self.sessions() as session:
            for name, (table, _age) in _retained_tables().items():
                count = await session.scalar(select(func.count()).select_from(table))
                metrics.PLUMBING_ROWS.labels(self.service, name).set(int(count or 0))
        return deleted

    async def _prune_quietly(self) -> None:
        try:
            deleted = await self.prune()
        except Exception as exc:  # the database is down: the next pass catches up
            log.warning("retention pass failed", service=self.service, error=repr(exc))
            return
        if any(deleted.values()):
            log.info("retention pass", service=self.service, **deleted)


def retention_of(session: AsyncSession) -> timedelta:
    """The service's retention window: its `retention_days` setting, else seven days."""
    settings = context_of(session).settings
    days = (
        settings.retention_days if isinstance(settings, ServiceSettings) else DEFAULT_RETENTION_DAYS
    )
    return timedelta(days=float(days))


def _retained_tables() -> dict[str, tuple[Table, Column[Any]]]:
    """Each table pruned, with its age column: the outbox's sent rows, the inbox's ids, the
    idempotency keys."""
    tables: dict[str, tuple[Table, Column[Any]]] = {"outbox": (outbox, outbox.c.sent_at)}
    if "inbox" in plumbing_metadata.tables:  # shared.inbox defines it; the outbox cannot import it
        inbox = plumbing_metadata.tables["inbox"]
        tables["inbox"] = (inbox, inbox.c.processed_at)
    tables["idempotency_keys"] = (idempotency_keys, idempotency_keys.c.created_at)
    return tables


async def _delete_in_batches(
    sessions: async_sessionmaker[AsyncSession],
    retained: tuple[Table, Column[Any]],
    cutoff: datetime,
    *,
    most: int = 50,
) -> int:
    """At most `most` batches per pass, each in its own short transaction."""
    table, age = retained
    [key] = table.primary_key.columns
    oldest = select(key).where(age < cutoff).order_by(key if table is outbox else age)
    deleted = 0
    for _ in range(most):
        async with sessions() as session, session.begin():
            done = await session.execute(delete(table).where(key.in_(oldest.limit(PRUNE_BATCH))))
        deleted += int(done.rowcount or 0)  # type: ignore[attr-defined]
        if (done.rowcount or 0) < PRUNE_BATCH:  # type: ignore[attr-defined]
            break
    return deleted


class Wakeup:
    """Set when a commit adds outbox rows: PostgreSQL LISTEN, else (SQLite) a short poll."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self.sessions = sessions
        self.event = asyncio.Event()
        self.connection: asyncpg.Connection | None = None
        self.postgresql: bool | None = None

    def clear(self) -> None:
        self.event.clear()

    async def wait(self, stop: asyncio.Event, poll: float) -> None:
        if await self._listening():
            poll = LISTENING_POLL_SECONDS
        stopping = asyncio.ensure_future(stop.wait())
        notified = asyncio.ensure_future(self.event.wait())
        try:
            await asyncio.wait({stopping, notified}, timeout=poll, return_when="FIRST_COMPLETED")
        finally:
            stopping.cancel()
            notified.cancel()

    async def _listening(self) -> bool:
        if self.connection is not None and not self.connection.is_closed():
            return True
        if self.postgresql is False:
            return False
        try:
            async with self.sessions() as session:
                url = session.get_bind().engine.url
            self.postgresql = url.get_backend_name() == "postgresql"
            if not self.postgresql:
                return False
            dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
            connection = await asyncpg.connect(dsn, timeout=5)
            await connection.add_listener(NOTIFY_CHANNEL, self._notified)
        except Exception as exc:  # the database is down: poll until it is back
            log.info("outbox listen unavailable", error=repr(exc))
            return False
        self.connection = connection
        self.event.set()  # rows may have been committed while nobody listened
        return True

    def _notified(self, *_: object) -> None:
        self.event.set()

    async def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), 5)


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
