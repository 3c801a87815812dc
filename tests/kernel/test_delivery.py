"""The inbox on real PostgreSQL and Kafka: one effect per event, poison parked, outages survived."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from shared.events.cloudevents import UnknownEventType, decode
from shared.inbox import Inbox, Many, Subscriptions
from shared.outbox import outbox, publish
from shared.service import Runtime
from shared.testing.events import message_for
from shared.testing.plugin import eventually
from shared.testing.servers import Server
from shared.transport import KafkaPublisher, broker_reachable, ensure_topics
from shared.worker import relay_for, subscriber_for
from tests.kernel import things
from tests.kernel.things import ThingHappened, effects


async def effects_of(runtime: Runtime) -> list[tuple[str, int]]:
    async with runtime.sessions() as session:
        rows = await session.execute(select(effects.c.thing_id, effects.c.sequence))
        return [(t, s) for t, s in rows]


async def parked(runtime: Runtime) -> list[dict[str, object]]:
    return await runtime.inbox.parked()


@asynccontextmanager
async def given_worker(runtime: Runtime) -> AsyncIterator[KafkaPublisher]:
    """The relay and the consumer of the things service, as its worker runs them."""
    publisher = KafkaPublisher(runtime.settings.kafka_bootstrap, timeout=3)
    stop = asyncio.Event()
    ready = asyncio.Event()
    tasks = [
        asyncio.create_task(relay_for(runtime, publisher).run(stop, 0.02)),
        asyncio.create_task(subscriber_for(runtime).run(stop, ready)),
    ]
    await asyncio.wait_for(ready.wait(), 60)
    try:
        yield publisher
    finally:
        stop.set()
        await asyncio.wait_for(asyncio.gather(*tasks), 60)
        await publisher.stop()


async def _runtime_on(
    broker: Server, things_runtime: Callable[..., Runtime], topic_namespace: str
) -> Runtime:
    await ensure_topics(broker.address, [topic_namespace + ThingHappened.topic])
    return things_runtime(
        kafka_bootstrap=broker.address,
        topic_namespace=topic_namespace,
        consumer_group=f"things-{topic_namespace}",
        consumer_attempts=3,
        consumer_backoff_seconds=0.01,
    )


@pytest.fixture
async def worker_runtime(
    things_runtime: Callable[..., Runtime], kafka_server: Server, topic_namespace: str
) -> Runtime:
    return await _runtime_on(kafka_server, things_runtime, topic_namespace)


async def publish_things(runtime: Runtime, *events: ThingHappened) -> None:
    for event in events:
        async with runtime.sessions() as session, session.begin():
            await publish(session, event)


async def test_the_same_event_delivered_twice_has_one_effect(worker_runtime: Runtime) -> None:
    runtime = worker_runtime
    async with given_worker(runtime):
        await publish_things(runtime, ThingHappened(thing_id="twice", sequence=1))
        await eventually(lambda: _has(runtime, 1))
        async with runtime.sessions() as session, session.begin():  # the relay sends it again
            await session.execute(update(outbox).values(sent_at=None))
        await eventually(lambda: _all_sent(runtime))
        await publish_things(runtime, ThingHappened(thing_id="twice", sequence=2))
        await eventually(lambda: _has(runtime, 2))

    assert sorted(await effects_of(runtime)) == [("twice", 1), ("twice", 2)]


async def test_a_poison_message_is_retried_then_parked_with_its_error_and_the_partition_moves_on(
    worker_runtime: Runtime,
) -> None:
    runtime = worker_runtime
    async with given_worker(runtime):
        await publish_things(
            runtime,
            ThingHappened(thing_id="same-key", sequence=1, poison=True),
            ThingHappened(thing_id="same-key", sequence=2),
        )
        await eventually(lambda: _has(runtime, 1))

    assert await effects_of(runtime) == [("same-key", 2)]
    [dead] = await parked(runtime)
    assert "cannot be applied" in str(dead["error"])
    assert dead["attempts"] == 3
    assert dead["topic"] == runtime.settings.topic_namespace + ThingHappened.topic


async def test_a_parked_message_is_replayed_once_its_cause_is_mended(
    worker_runtime: Runtime,
) -> None:
    runtime = worker_runtime
    things.BLOCKED.add("blocked")
    try:
        async with given_worker(runtime):
            await publish_things(runtime, ThingHappened(thing_id="blocked", sequence=7))
            await eventually(lambda: _parked_count(runtime, 1))
    finally:
        things.BLOCKED.discard("blocked")
    [dead] = await parked(runtime)

    assert await runtime.inbox.replay(int(str(dead["id"]))) is True

    assert await effects_of(runtime) == [("blocked", 7)]
    assert await parked(runtime) == []
    assert await runtime.inbox.replay(int(str(dead["id"]))) is False


async def test_with_kafka_stopped_writes_succeed_and_after_restart_every_event_arrives_once(
    things_runtime: Callable[..., Runtime], stoppable_kafka: Server, topic_namespace: str
) -> None:
    kafka_server = stoppable_kafka
    runtime = await _runtime_on(kafka_server, things_runtime, topic_namespace)
    async with given_worker(runtime):
        await publish_things(
            runtime, *[ThingHappened(thing_id=f"k{i % 4}", sequence=i) for i in range(20)]
        )
        await eventually(lambda: _has(runtime, 20))
        assert kafka_server.stop is not None
        assert kafka_server.start is not None
        await asyncio.to_thread(kafka_server.stop)
        try:
            await publish_things(
                runtime, *[ThingHappened(thing_id=f"k{i % 4}", sequence=i) for i in range(20, 40)]
            )
            await asyncio.sleep(2)  # the relay tries, fails and keeps the rows
            assert await _unsent(runtime) > 0
            await eventually(_backlog_shown, seconds=30)  # operations see the outage
        finally:
            await asyncio.to_thread(kafka_server.start)
        await eventually(lambda: _has(runtime, 40), seconds=120)
        await asyncio.sleep(1)  # anything delivered twice would have landed by now

    applied = await effects_of(runtime)
    assert sorted(s for _, s in applied) == list(range(40))


async def _backlog_shown() -> bool:
    backlog = REGISTRY.get_sample_value("llr_outbox_backlog", {"service": "things"})
    return backlog is not None and backlog > 0


async def _has(runtime: Runtime, count: int) -> bool:
    return len(await effects_of(runtime)) >= count


async def _parked_count(runtime: Runtime, count: int) -> bool:
    return len(await parked(runtime)) >= count


async def _unsent(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        unsent = select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
        return int(await session.scalar(unsent) or 0)


async def _all_sent(runtime: Runtime) -> bool:
    return await _unsent(runtime) == 0


async def test_a_worker_is_ready_only_while_its_database_and_broker_answer(
    kafka_server: Server,
) -> None:
    await broker_reachable(kafka_server.address)
    with pytest.raises(OSError):
        await broker_reachable("127.0.0.1:1")


async def test_a_batch_applies_each_event_once_and_isolates_a_poison_message(
    things_runtime: Callable[..., Runtime],
) -> None:
    runtime = things_runtime(consumer_attempts=2, consumer_backoff_seconds=0.01)
    first = message_for(ThingHappened(thing_id="batch", sequence=1))
    second = message_for(ThingHappened(thing_id="batch", sequence=2))
    poison = message_for(ThingHappened(thing_id="batch", sequence=3, poison=True))

    await runtime.inbox.deliver_batch([first, first, second])
    await runtime.inbox.deliver_batch(
        [second, poison, message_for(ThingHappened(thing_id="batch", sequence=4))]
    )

    assert sorted(await effects_of(runtime)) == [("batch", 1), ("batch", 2), ("batch", 4)]
    [dead] = await parked(runtime)
    assert dead["value"] == poison.value.decode()


def given_inbox(runtime: Runtime, subscriptions: Subscriptions) -> Inbox:
    return Inbox("things", runtime.sessions, subscriptions, runtime.clock, attempts=2, backoff=0.01)


async def test_one_apply_path_a_single_message_and_a_batch_see_the_same_session(
    things_runtime: Callable[..., Runtime],
) -> None:
    runtime = things_runtime()
    seen: list[tuple[int, bool, int]] = []

    async def count_then_add(session: AsyncSession, event: ThingHappened) -> None:
        already = await session.scalar(select(func.count()).select_from(effects))
        seen.append((event.sequence, session.autoflush, int(already or 0)))
        session.add(things.Effect(thing_id=event.thing_id, sequence=event.sequence))

    inbox = given_inbox(runtime, {ThingHappened: count_then_add})
    await inbox.deliver(message_for(ThingHappened(thing_id="one", sequence=1)))
    await inbox.deliver_batch(
        [message_for(ThingHappened(thing_id="one", sequence=s)) for s in (2, 3)]
    )

    # the same path: autoflush on, so a handler's query sees what the batch wrote before it
    assert seen == [(1, True, 0), (2, True, 1), (3, True, 2)]


async def test_the_inbox_decodes_with_its_own_subscriptions_not_a_global_registry(
    things_runtime: Callable[..., Runtime],
) -> None:
    message = message_for(ThingHappened(thing_id="x", sequence=1))
    with pytest.raises(UnknownEventType):
        decode(message, {})
    runtime = things_runtime()
    applied: list[int] = []

    async def keep(session: AsyncSession, event: ThingHappened) -> None:
        applied.append(event.sequence)

    subscribed = given_inbox(runtime, {ThingHappened: keep})
    unsubscribed = given_inbox(runtime, {})

    await unsubscribed.deliver(message)
    await subscribed.deliver(message)

    assert applied == [1]
    assert await parked(runtime) == []


async def test_a_handler_that_takes_runs_gets_each_run_in_one_call_in_order_without_duplicates(
    things_runtime: Callable[..., Runtime],
) -> None:
    runtime = things_runtime()
    calls: list[list[int]] = []

    async def apply_run(session: AsyncSession, events: Sequence[ThingHappened]) -> None:
        calls.append([e.sequence for e in events])

    inbox = given_inbox(runtime, {ThingHappened: Many(apply_run)})
    messages = [message_for(ThingHappened(thing_id="run", sequence=s)) for s in range(6)]

    await inbox.deliver_batch([*messages[:4], messages[1], *messages[4:]])
    await inbox.deliver_batch(messages[3:])  # redelivered: no second effect

    assert calls == [[0, 1, 2, 3, 4, 5]]


async def test_a_poison_event_in_a_run_is_parked_and_the_rest_of_the_run_applies(
    things_runtime: Callable[..., Runtime],
) -> None:
    runtime = things_runtime()

    async def apply_run(session: AsyncSession, events: Sequence[ThingHappened]) -> None:
        if any(e.poison for e in events):
            raise ValueError("poison in the run")
        session.add_all(things.Effect(thing_id=e.thing_id, sequence=e.sequence) for e in events)

    inbox = given_inbox(runtime, {ThingHappened: Many(apply_run)})
    poison = message_for(ThingHappened(thing_id="run", sequence=2, poison=True))
    batch = [message_for(ThingHappened(thing_id="run", sequence=s)) for s in (1, 3)]

    await inbox.deliver_batch([batch[0], poison, batch[1]])

    assert sorted(await effects_of(runtime)) == [("run", 1), ("run", 3)]
    [dead] = await parked(runtime)
    assert dead["value"] == poison.value.decode()
