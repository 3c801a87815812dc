"""Bounded storage: sent outbox rows and inbox ids past the retention window go, in batches."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, insert, select

from shared import outbox as outbox_module
from shared.clock import MovableClock
from shared.events.cloudevents import Message, headers_of
from shared.inbox import inbox
from shared.outbox import Relay, outbox
from shared.service import Runtime
from tests.kernel import things
from tests.kernel.things import ThingHappened


class NoBroker:
    async def publish(self, messages: object) -> None:
        raise AssertionError("pruning publishes nothing")


def outbox_row(sent_days_ago: float | None, clock: MovableClock) -> dict[str, object]:
    now = clock.now()
    return {
        "event_id": uuid.uuid4(),
        "topic": ThingHappened.topic,
        "key": "k",
        "type": ThingHappened.event_type(),
        "source": "/llr/things",
        "payload": "{}",
        "headers": {},
        "occurred_at": now - timedelta(days=30),
        "sent_at": None if sent_days_ago is None else now - timedelta(days=sent_days_ago),
    }


def inbox_row(days_ago: float, clock: MovableClock) -> dict[str, object]:
    return {
        "event_id": uuid.uuid4(),
        "type": ThingHappened.event_type(),
        "processed_at": clock.now() - timedelta(days=days_ago),
    }


async def given_rows(runtime: Runtime, clock: MovableClock) -> None:
    """Outbox: 25 sent 8 days ago, 5 sent 6 days ago, 4 never sent (30 days old).
    Inbox: 23 ids 10 days old, 7 from yesterday."""
    async with runtime.sessions() as session, session.begin():
        await session.execute(
            insert(outbox),
            [outbox_row(8, clock) for _ in range(25)]
            + [outbox_row(6, clock) for _ in range(5)]
            + [outbox_row(None, clock) for _ in range(4)],
        )
        await session.execute(
            insert(inbox),
            [inbox_row(10, clock) for _ in range(23)] + [inbox_row(1, clock) for _ in range(7)],
        )


async def remaining(runtime: Runtime) -> tuple[int, int, int]:
    async with runtime.sessions() as session:
        sent = select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_not(None))
        unsent = select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
        ids = select(func.count()).select_from(inbox)
        return (
            int(await session.scalar(sent) or 0),
            int(await session.scalar(unsent) or 0),
            int(await session.scalar(ids) or 0),
        )


def gauge(table: str) -> float | None:
    return REGISTRY.get_sample_value("llr_plumbing_rows", {"service": "things", "table": table})


async def test_sent_rows_and_inbox_ids_older_than_seven_days_are_deleted_in_batches(
    things_runtime: Callable[..., Runtime],
    clock: MovableClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(outbox_module, "PRUNE_BATCH", 4)  # several batches per table
    runtime = things_runtime()
    await given_rows(runtime, clock)
    relay = Relay("things", runtime.sessions, NoBroker(), runtime.clock)

    deleted = await relay.prune()

    assert deleted == {"outbox": 25, "inbox": 23, "idempotency_keys": 0}
    assert await remaining(runtime) == (5, 4, 7)  # unsent rows stay whatever their age
    assert (gauge("outbox"), gauge("inbox")) == (9, 7)
    assert await relay.prune() == {"outbox": 0, "inbox": 0, "idempotency_keys": 0}


async def test_the_retention_window_is_a_setting(
    things_runtime: Callable[..., Runtime], clock: MovableClock
) -> None:
    runtime = things_runtime()
    await given_rows(runtime, clock)
    relay = Relay(
        "things", runtime.sessions, NoBroker(), runtime.clock, retention=timedelta(days=30)
    )

    assert await relay.prune() == {"outbox": 0, "inbox": 0, "idempotency_keys": 0}

    clock.move(timedelta(days=25))  # sent 31 and 33 days ago; ids 35 and 26 days old
    assert await relay.prune() == {"outbox": 30, "inbox": 23, "idempotency_keys": 0}
    assert await remaining(runtime) == (0, 4, 7)


def delivered(event_id: uuid.UUID, clock: MovableClock) -> Message:
    """A ThingHappened as it arrives from Kafka (the same record each time it is redelivered)."""
    event = ThingHappened(thing_id="thing-1", sequence=1)
    return Message(
        topic=ThingHappened.topic,
        key=event.subject().encode(),
        value=event.model_dump_json().encode(),
        headers=headers_of(event_id, "/llr/things", event.event_type(), clock.now(), "thing-1"),
    )


async def effects_of(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(things.effects)) or 0)


async def test_a_redelivery_inside_the_retention_window_has_no_second_effect(
    things_runtime: Callable[..., Runtime], clock: MovableClock
) -> None:
    runtime = things_runtime(retention_days=7)  # the setting, as a worker reads it
    relay = Relay("things", runtime.sessions, NoBroker(), runtime.clock)
    message = delivered(uuid.uuid4(), clock)
    await runtime.inbox.deliver(message)
    assert await effects_of(runtime) == 1

    clock.move(timedelta(days=6, hours=23))
    assert (await relay.prune())["inbox"] == 0  # inside the window: its id is kept
    await runtime.inbox.deliver(message)
    assert await effects_of(runtime) == 1

    clock.move(timedelta(hours=2))  # past the window: no redelivery is expected any more
    assert (await relay.prune())["inbox"] == 1


async def test_the_worker_s_relay_loop_prunes_as_it_runs(
    things_runtime: Callable[..., Runtime], clock: MovableClock
) -> None:
    runtime = things_runtime()
    await given_rows(runtime, clock)
    sent: list[Message] = []

    class Broker:
        async def publish(self, messages: Sequence[Message]) -> None:
            sent.extend(messages)

    relay = Relay("things", runtime.sessions, Broker(), runtime.clock, prune_every=0.0)
    stop = asyncio.Event()
    running = asyncio.create_task(relay.run(stop, interval=0.01))
    try:
        for _ in range(500):
            if await remaining(runtime) == (9, 0, 7):  # the 4 unsent rows were sent just now
                break
            await asyncio.sleep(0.02)
    finally:
        stop.set()
        await running
    assert await remaining(runtime) == (9, 0, 7)
    assert len(sent) == 4
