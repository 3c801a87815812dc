"""The inbox: apply each event once, with its effect, or park it with its error."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from opentelemetry.trace import SpanKind
from pydantic import ValidationError
from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    Uuid,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from shared import metrics, tracing
from shared.clock import Clock
from shared.db import JSONDocument, UTCDateTime, dialect_of, insert_absent, plumbing_metadata
from shared.errors import DomainError, RuleViolation
from shared.events import Event
from shared.events.cloudevents import Attributes, Message, UnknownEventType, classes_of, decode
from shared.events.operations import MessageParked
from shared.outbox import publish

log = structlog.get_logger()

Handler = Callable[[AsyncSession, Any], Awaitable[None]]


@dataclass(frozen=True)
class Many:
    """A subscription that applies a run of events of one type in one call: the inbox's fast path.

    The inbox hands it consecutive new events of its type from one batch, in order (a traced
    event alone, inside its span). Applying a run must have the effect of applying its events one
    by one, in order: typically one multi-row statement instead of a statement per event.
    """

    apply: Callable[[AsyncSession, Sequence[Any]], Awaitable[None]]


Subscriptions = Mapping[type[Event], Handler | Many]

_applying: ContextVar[Attributes | None] = ContextVar("llr_inbox_applying", default=None)


def applying() -> Attributes:
    """The CloudEvents attributes (id, source, time) of the event the calling handler applies:
    for a handler that passes the event on as it arrived (governance's webhooks). A plain
    handler only; LookupError outside one."""
    attributes = _applying.get()
    if attributes is None:
        raise LookupError("no event is being applied")
    return attributes


class _Run:
    """Consecutive events for one `Many` subscription, applied together when the run ends."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.handler: Many | None = None
        self.events: list[Event] = []

    async def add(self, handler: Many, event: Event) -> None:
        if handler is not self.handler:
            await self.flush()
            self.handler = handler
        self.events.append(event)

    async def flush(self) -> None:
        if self.handler is not None and self.events:
            await self.handler.apply(self.session, self.events)
        self.handler, self.events = None, []


inbox = Table(
    "inbox",
    plumbing_metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("type", String(200), nullable=False),
    Column("processed_at", UTCDateTime, nullable=False),
    Index("ix_inbox_processed_at", "processed_at"),  # retention deletes the oldest ids
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
    """Delivers messages to a service's handlers; used by the Kafka and in-process transports.

    One apply path: a batch of messages in one transaction (a single message is a batch of one).
    When a batch fails, each of its messages is applied on its own, retried with backoff, and
    parked if it keeps failing.
    """

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
        self.classes = classes_of(subscriptions)
        self.clock = clock
        self.attempts = attempts
        self.backoff = backoff

    def wants(self, message: Message) -> bool:
        kind = message.header("ce_type")
        return kind is None or kind in self.handlers

    async def deliver(self, message: Message) -> None:
        """Returns once the message is applied, found to be a duplicate, or parked."""
        await self.deliver_batch([message])

    async def deliver_batch(self, messages: Sequence[Message]) -> None:
        """Apply a batch in one transaction; if any of it fails, deliver each on its own."""
        wanted = [m for m in messages if self.wants(m)]
        if not wanted:
            return
        try:
            await self._apply(wanted)
            return
        except Exception as exc:
            log.warning(
                "event batch failed", service=self.service, size=len(wanted), error=repr(exc)
            )
            failed = exc
        if len(wanted) == 1:  # a batch of one has had its first attempt, and failed with this
            await self._deliver_alone(wanted[0], 1, failed)
            return
        for message in wanted:
            await self._deliver_alone(message, 0, None)

    async def _deliver_alone(self, message: Message, tried: int, error: Exception | None) -> None:
        for attempt in range(tried + 1, self.attempts + 1):
            await asyncio.sleep(self.backoff * 2 ** (attempt - 2) if attempt > 1 else 0)
            try:
                await self._apply([message])
                return
            except Exception as exc:
                error = exc
                log.warning("event failed", service=self.service, attempt=attempt, error=repr(exc))
        await self._park(message, error)

    async def _apply(self, messages: Sequence[Message]) -> None:
        async with self.sessions() as session, session.begin():
            # A handler's queries must see what earlier events in the batch wrote; writes that no
            # query needs still go to the database together, at commit.
            session.autoflush = True
            decoded = [(*decode(m, self.classes), m) for m in messages]
            fresh = await _record(session, [a for a, _, _ in decoded], self.clock.now())
            traced_always = tracing.exporting()  # spans cost nothing unless exported
            applied: Counter[str] = Counter()
            run = _Run(session)
            for attributes, event, message in decoded:
                if attributes.id not in fresh:
                    continue  # applied before, or twice in this batch: no second effect
                fresh.discard(attributes.id)
                applied[attributes.type] += 1
                handler = self.handlers[attributes.type]
                traced = traced_always or _carries_trace(message)
                if isinstance(handler, Many) and not traced:
                    await run.add(handler, event)  # the fast path: no span, one call per run
                    continue
                await run.flush()
                structlog.contextvars.bind_contextvars(event_id=attributes.id)
                applied_now = _applying.set(attributes)
                try:
                    if not traced and not isinstance(handler, Many):
                        await handler(session, event)  # nothing to join or export: no span
                        continue
                    with _span(self.service, attributes.type, message):
                        await (
                            handler.apply(session, [event])
                            if isinstance(handler, Many)
                            else handler(session, event)
                        )
                        if tracing.exporting():
                            await session.flush()  # the effect's writes belong to its span
                finally:
                    _applying.reset(applied_now)
            await run.flush()
        for kind, count in applied.items():
            metrics.EVENTS_CONSUMED.labels(self.service, kind).inc(count)

    async def _park(self, message: Message, error: Exception | None) -> None:
        code = error_code(error)
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
                    error=type(error).__name__,
                    error_code=code,
                    attempts=self.attempts,
                    parked_at=self.clock.now(),
                ),
            )
        metrics.DEAD_LETTERS.labels(self.service).inc()
        log.error(
            "event parked",
            service=self.service,
            topic=message.topic,
            error=repr(error),
            error_code=code,
        )

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
            await self._apply([message])
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


def error_code(error: Exception | None) -> str:
    """Why a message was parked, as a code that holds no value of the message."""
    match error:
        case UnknownEventType():
            return "unknown-type"
        case ValidationError():
            return "undecodable"
        case RuleViolation():
            return f"{error.kind}:{error.rule}"
        case DomainError():
            return error.kind
        case DBAPIError():
            return "database"
        case _:
            return "handler-failed"


_RECORD_PG = text(
    "INSERT INTO inbox (event_id, type, processed_at) "
    "SELECT id, type, CAST(:now AS timestamptz) "
    "FROM unnest(CAST(:ids AS uuid[]), CAST(:types AS varchar[])) AS fresh(id, type) "
    "ON CONFLICT (event_id) DO NOTHING RETURNING CAST(event_id AS text)"
)


async def _record(session: AsyncSession, events: list[Attributes], now: datetime) -> set[str]:
    """Insert the batch's event ids in one statement; returns the ids not seen before."""
    if dialect_of(session) == "postgresql":  # arrays: one statement text, prepared once
        params = {"ids": [e.id for e in events], "types": [e.type for e in events], "now": now}
        return set((await session.execute(_RECORD_PG, params)).scalars())
    rows = {
        e.id: {"event_id": uuid.UUID(e.id), "type": e.type, "processed_at": now} for e in events
    }
    return {str(key) for key in await insert_absent(session, inbox, list(rows.values()))}


def _carries_trace(message: Message) -> bool:
    return any(key == "traceparent" for key, _ in message.headers)


def _span(service: str, kind: str, message: Message) -> AbstractContextManager[object]:
    headers = {k: v.decode(errors="replace") for k, v in message.headers}
    return tracing.span(f"apply {kind}", SpanKind.CONSUMER, headers, service=service)
