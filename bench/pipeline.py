"""The event pipeline: outbox relay against Kafka's ProducerPerformance, and replaying a topic."""

from __future__ import annotations

import asyncio
import subprocess
import time
import uuid
from datetime import date
from pathlib import Path

from aiokafka import AIOKafkaConsumer
from sqlalchemy import func, insert, select

from bench.common import Row, fresh_database, settings
from bench.processes import ROOT
from shared.clock import SystemClock
from shared.db import create_engine, plumbing_metadata, sessionmaker
from shared.events.delegation import TaskDelegated
from shared.events.vocabulary import Direction, OversightKind, Setting, TaskCategory
from shared.outbox import Relay, outbox
from shared.service import Runtime
from shared.testing.servers import Server
from shared.transport import KafkaPublisher, KafkaSubscriber, ensure_topics
from tests.kernel import things

TOOLS = Path.home() / ".cache" / "llr" / "kafka-tools-4.3.1" / "lib"
RECORDS = 100_000


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
                "event_id": uuid.uuid4(),
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


async def relay_throughput(pg: Server, broker: Server, namespace: str) -> tuple[float, int]:
    url = await fresh_database(pg.address, "bench_relay")
    size = await fill_outbox(url, RECORDS)
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
    return RECORDS / elapsed, size


def producer_performance(broker: Server, size: int) -> float:
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
            str(RECORDS),
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


# ---- replaying a topic of 100,000 events -----------------------------------------------------


async def raw_consume(broker: Server, topic: str) -> float:
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=broker.address,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    seen, started = 0, time.perf_counter()
    try:
        while seen < RECORDS:
            batches = await consumer.getmany(timeout_ms=1000, max_records=500)
            seen += sum(len(b) for b in batches.values())
    finally:
        await consumer.stop()
    return RECORDS / (time.perf_counter() - started)


async def replay(pg: Server, broker: Server, topic: str) -> float:
    """One worker rebuilds the effects of every event from the start of the topic."""
    url = await fresh_database(pg.address, "bench_replay")
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.run_sync(plumbing_metadata.create_all)
        await connection.run_sync(things.metadata.create_all)
    await engine.dispose()
    runtime = Runtime(things.SPEC, settings(url, broker.address), SystemClock())
    subscriber = KafkaSubscriber(
        broker.address,
        f"replay-{uuid.uuid4().hex[:6]}",
        [topic],
        runtime.inbox.deliver_batch,
        "bench",
    )
    stop = asyncio.Event()
    started = time.perf_counter()
    task = asyncio.create_task(subscriber.run(stop))
    while await _count(runtime) < RECORDS:
        await asyncio.sleep(0.2)
    elapsed = time.perf_counter() - started
    stop.set()
    await task
    await runtime.close()
    return RECORDS / elapsed


async def _count(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(things.effects)) or 0)


async def relay_and_replay(pg: Server, broker: Server) -> list[Row]:
    namespace = f"bench{uuid.uuid4().hex[:6]}."
    relay_rate, size = await relay_throughput(pg, broker, namespace)
    baseline = await asyncio.to_thread(producer_performance, broker, size)
    topic = namespace + things.ThingHappened.topic
    raw = await raw_consume(broker, topic)
    replayed = await replay(pg, broker, topic)
    return [
        Row(
            f"outbox relay, {RECORDS:,} events of {size} B",
            relay_rate,
            "events/s",
            "Kafka ProducerPerformance, same size, acks=all",
            baseline,
            ">= 0.5 x baseline",
            relay_rate >= baseline / 2,
        ),
        Row(
            f"replay: one worker applies {RECORDS:,} events",
            replayed,
            "events/s",
            "raw aiokafka consumer, no database",
            raw,
            ">= 5,000 events/s",
            replayed >= 5000,
        ),
    ]
