"""The event pipeline: outbox relay against Kafka's ProducerPerformance, and replaying a topic."""

from __future__ import annotations

import asyncio
import dataclasses
import subprocess
import time
import uuid
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from aiokafka import AIOKafkaConsumer
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from bench.common import Row, fresh_database, percentile, settings
from bench.http_figures import kafka_round_trip
from bench.processes import ROOT
from shared.clock import SystemClock
from shared.db import create_engine, plumbing_metadata, sessionmaker
from shared.events import new_event_id
from shared.events.delegation import TaskDelegated
from shared.events.vocabulary import Direction, OversightKind, Setting, TaskCategory
from shared.inbox import Many
from shared.outbox import Relay, outbox
from shared.service import Runtime, ServiceSpec
from shared.testing.servers import Server
from shared.transport import KafkaPublisher, KafkaSubscriber, ensure_topics
from tests.kernel import things

TOOLS = Path.home() / ".cache" / "llr" / "kafka-tools-4.3.1" / "lib"
RECORDS = 100_000
QUICK_RECORDS = 30_000


def sample_payload() -> str:
    """A TaskDelegated-sized payload: the platform's typical record."""
    return TaskDelegated(
        person_id=uuid.uuid4(),
        delegation_id=uuid.uuid4(),
        task_code="topical-cream",
        category=TaskCategory.SKIN_INTEGRITY_AND_WOUNDS,
        direction=Direction.HEALTH_TO_SOCIAL,
        setting=Setting.OWN_HOME,
        accountable_organisation="LLR-ICB",
        provider_organisation="PROVIDER-0001",
        local_authority="LEICESTERSHIRE-COUNTY-COUNCIL",
        additional_minutes_per_week=30,
        start_date=date(2026, 1, 5),
        oversight_kind=OversightKind.COMMUNITY_HEALTH_SERVICES,
        oversight_owner="LPT",
        worker_ids=[uuid.uuid4(), uuid.uuid4()],
    ).model_dump_json()


def payload(sequence: int) -> str:
    """A things event padded to the size of a TaskDelegated, so replay can apply it."""
    bare = things.ThingHappened(thing_id=f"person-{sequence % 1000}", sequence=sequence)
    padding = "x" * max(len(sample_payload()) - len(bare.model_dump_json()), 0)
    return bare.model_copy(update={"padding": padding}).model_dump_json()


async def fill_outbox(url: str, count: int) -> int:
    """Rows the size of the platform's events; returns the record value size."""
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(plumbing_metadata.create_all)
        await connection.run_sync(things.metadata.create_all)
    now = SystemClock().now()
    for first in range(0, count, 5000):
        rows = [
            {
                "event_id": new_event_id(),
                "topic": things.ThingHappened.topic,
                "key": f"person-{i % 1000}",
                "type": things.ThingHappened.event_type(),
                "source": "/llr/bench",
                "payload": payload(i),
                "headers": {},
                "occurred_at": now,
            }
            for i in range(first, min(first + 5000, count))
        ]
        async with engine.begin() as connection:
            await connection.execute(insert(outbox), rows)
    await engine.dispose()
    return len(payload(0))


async def relay_throughput(
    pg: Server, broker: Server, namespace: str, records: int
) -> tuple[float, int]:
    url = await fresh_database(pg.address, "bench_relay")
    size = await fill_outbox(url, records)
    await ensure_topics(broker.address, [namespace + things.ThingHappened.topic])
    engine = create_engine(url)
    publisher = KafkaPublisher(broker.address, timeout=30)
    relay = Relay(
        "bench",
        sessionmaker(engine, service="bench", clock=SystemClock()),
        publisher,
        SystemClock(),
        namespace=namespace,
        batch_size=1000,
    )
    started = time.perf_counter()
    while await relay.relay_once():
        pass
    elapsed = time.perf_counter() - started
    await publisher.stop()
    await engine.dispose()
    return records / elapsed, size


def producer_performance(broker: Server, size: int, records: int) -> float:
    if not TOOLS.exists() or not any(TOOLS.iterdir()):
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "mvn",
                "-B",
                "-q",
                "-f",
                str(ROOT / "bench" / "kafka-tools-pom.xml"),
                "dependency:copy-dependencies",
                "-DincludeScope=runtime",
                f"-DoutputDirectory={TOOLS}",
            ],
            check=True,
        )
    topic = f"bench.pp-{uuid.uuid4().hex[:6]}"
    asyncio.run(ensure_topics(broker.address, [topic]))
    done = subprocess.run(
        [
            "java",
            "-Xmx512m",
            "-cp",
            f"{TOOLS}/*",
            "org.apache.kafka.tools.ProducerPerformance",
            "--topic",
            topic,
            "--num-records",
            str(records),
            "--record-size",
            str(size),
            "--throughput",
            "-1",
            "--producer-props",
            f"bootstrap.servers={broker.address}",
            "acks=all",
            "enable.idempotence=true",
            "linger.ms=5",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    last = done.stdout.strip().splitlines()[-1]
    return float(last.split(" records/sec")[0].split(",")[-1])


async def relay_latency(
    pg: Server, broker: Server, namespace: str, rate: int, seconds: float
) -> list[float]:
    """COMMIT sent -> on Kafka through the worker's relay loop, one event a commit at `rate`/s.

    The relay sleeps until a commit NOTIFYs it (its poll, the safety net, is a second); a
    consumer in this process notes when each record arrives.
    """
    url = await fresh_database(pg.address, "bench_relay_latency")
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(plumbing_metadata.create_all)  # with the NOTIFY trigger
    topic = namespace + "latency." + things.ThingHappened.topic
    await ensure_topics(broker.address, [topic])
    publisher = KafkaPublisher(broker.address, timeout=30)
    relay = Relay(
        "bench",
        sessionmaker(engine, service="bench", clock=SystemClock()),
        publisher,
        SystemClock(),
        namespace=namespace + "latency.",
    )
    consumer = AIOKafkaConsumer(
        topic, bootstrap_servers=broker.address, auto_offset_reset="earliest"
    )
    await consumer.start()
    stop = asyncio.Event()
    relaying = asyncio.create_task(relay.run(stop, interval=1.0))
    total, committed, arrived = int(rate * seconds), dict[bytes, float](), list[float]()

    async def write() -> None:
        start = time.perf_counter()
        for i in range(total):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            async with engine.connect() as connection:
                await connection.execute(insert(outbox), [_row(i)])
                # From the COMMIT on: the relay may have sent the row before it returns here.
                committed[str(i).encode()] = time.perf_counter()
                await connection.commit()

    async def read() -> None:
        while len(arrived) < total:
            batches = await consumer.getmany(timeout_ms=200)
            now = time.perf_counter()
            for records in batches.values():
                arrived.extend((now - committed[r.key]) * 1000 for r in records if r.key)

    try:
        await asyncio.gather(write(), asyncio.wait_for(read(), seconds + 60))
    finally:
        stop.set()
        await relaying
        await consumer.stop()
        await publisher.stop()
        await engine.dispose()
    return arrived


def _row(i: int) -> dict[str, object]:
    return {
        "event_id": new_event_id(),
        "topic": things.ThingHappened.topic,
        "key": str(i),
        "type": things.ThingHappened.event_type(),
        "source": "/llr/bench",
        "payload": payload(i),
        "headers": {},
        "occurred_at": SystemClock().now(),
    }


# ---- replaying a topic of 100,000 events -----------------------------------------------------


async def raw_consume(broker: Server, topic: str, records: int) -> tuple[float, float]:
    """Records a second, and records a CPU-second of this process."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=broker.address,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    seen, started, cpu = 0, time.perf_counter(), time.process_time()
    try:
        while seen < records:
            batches = await consumer.getmany(timeout_ms=1000, max_records=500)
            seen += sum(len(b) for b in batches.values())
    finally:
        await consumer.stop()
    return records / (time.perf_counter() - started), records / (time.process_time() - cpu)


async def apply_things(session: AsyncSession, events: Sequence[things.ThingHappened]) -> None:
    """ThingHappened's effect for a run of events in one statement: the inbox's fast path."""
    for event in events:
        if event.poison or event.thing_id in things.BLOCKED:
            raise ValueError(f"thing {event.thing_id} cannot be applied")
    # One statement over arrays: one execution in PostgreSQL, however many rows (an executemany
    # is one execution per row), and a statement text that never changes.
    params = {"ids": [e.thing_id for e in events], "sequences": [e.sequence for e in events]}
    await session.execute(_APPLY_THINGS, params)


_APPLY_THINGS = text(
    "INSERT INTO effects (thing_id, sequence) "
    "SELECT * FROM unnest(CAST(:ids AS varchar[]), CAST(:sequences AS integer[]))"
)


# The things service as the replay benchmark's second worker runs it: its handler allows runs.
THINGS_IN_RUNS = dataclasses.replace(
    things.SPEC, subscriptions={things.ThingHappened: Many(apply_things)}
)


async def replay(
    pg: Server, broker: Server, topic: str, records: int, spec: ServiceSpec = things.SPEC
) -> tuple[float, float]:
    """One worker rebuilds the effects of every event from the start of the topic.

    Timed from its first effect to its last, so the consumer group's join is not counted.
    Returns events a second, and events a CPU-second of this process (the rate one worker
    would reach on a core of its own: the machine's other work does not count).
    """
    url = await fresh_database(pg.address, "bench_replay")
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(plumbing_metadata.create_all)
        await connection.run_sync(things.metadata.create_all)
    await engine.dispose()
    runtime = Runtime(spec, settings(url, broker.address), SystemClock())
    subscriber = KafkaSubscriber(
        broker.address,
        f"replay-{uuid.uuid4().hex[:6]}",
        [topic],
        runtime.inbox.deliver_batch,
        "bench",
    )
    stop = asyncio.Event()
    task = asyncio.create_task(subscriber.run(stop))
    while (first := await _count(runtime)) == 0:
        await asyncio.sleep(0.01)
    started, cpu = time.perf_counter(), time.process_time()
    while await _count(runtime) < records:
        await asyncio.sleep(0.05)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    stop.set()
    await task
    await runtime.close()
    return (records - first) / elapsed, (records - first) / cpu


async def _count(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(things.effects)) or 0)


async def relay_and_replay(pg: Server, broker: Server, quick: bool = False) -> list[Row]:
    records = QUICK_RECORDS if quick else RECORDS
    namespace = f"bench{uuid.uuid4().hex[:6]}."
    relay_rate, size = await relay_throughput(pg, broker, namespace, records)
    rate, seconds = 50, 5 if quick else 10
    woken = await relay_latency(pg, broker, namespace, rate, seconds)
    floor = await kafka_round_trip(broker, rate, seconds)
    baseline = await asyncio.to_thread(producer_performance, broker, size, records)
    topic = namespace + things.ThingHappened.topic
    raw, raw_cpu = await raw_consume(broker, topic, records)
    one_by_one, one_by_one_cpu = await replay(pg, broker, topic, records)
    in_runs, in_runs_cpu = await replay(pg, broker, topic, records, THINGS_IN_RUNS)
    return [
        Row(
            f"outbox relay, {records:,} events of {size} B",
            relay_rate,
            "events/s",
            "Kafka ProducerPerformance, same size, acks=all",
            baseline,
            ">= 0.5 x baseline",
            relay_rate >= baseline / 2,
        ),
        Row(
            f"outbox relay: commit -> on Kafka, p99 at {rate}/s (the relay waits for NOTIFY)",
            percentile(woken, 99),
            "ms",
            "Kafka produce -> consume p99",
            percentile(floor, 99),
        ),
        Row(
            f"replay: one worker applies {records:,} events, handler per event (ORM)",
            one_by_one,
            "events/s",
            "raw aiokafka consumer, no database",
            raw,
            ">= 10,000 events/s",
            one_by_one >= 10_000,
        ),
        Row(
            f"replay: one worker applies {records:,} events, handler takes runs (Many)",
            in_runs,
            "events/s",
            "raw aiokafka consumer, no database",
            raw,
            ">= 10,000 events/s",
            in_runs >= 10_000,
        ),
        Row(
            "replay, handler per event (ORM): events a CPU-second of the worker",
            one_by_one_cpu,
            "events/s",
            "raw aiokafka consumer, per CPU-second",
            raw_cpu,
        ),
        Row(
            "replay, handler takes runs (Many): events a CPU-second of the worker",
            in_runs_cpu,
            "events/s",
            "raw aiokafka consumer, per CPU-second",
            raw_cpu,
        ),
    ]
