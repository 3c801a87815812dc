"""Faults on real servers: Kafka stopped and a worker killed in the middle of 10,000 events."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import func, select

from shared.outbox import outbox, publish
from shared.service import Runtime
from shared.testing.plugin import eventually, repo_root
from shared.testing.servers import Server
from shared.transport import ensure_topics
from tests.kernel.things import ThingHappened, effects

EVENTS = 10_000
KEYS = 50


class WorkerProcess:
    def __init__(self, runtime: Runtime) -> None:
        self.args = [
            sys.executable,
            "-m",
            "tests.faults.things_worker",
            runtime.settings.database_url,
            runtime.settings.kafka_bootstrap,
            runtime.settings.topic_namespace,
        ]
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            self.args,
            cwd=repo_root(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": str(repo_root())},
        )

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.kill()


@pytest.fixture
async def worker(
    things_runtime: Callable[..., Runtime], stoppable_kafka: Server, topic_namespace: str
) -> AsyncIterator[tuple[Runtime, WorkerProcess]]:
    """The things worker in a process of its own, on the broker this test may stop."""
    await ensure_topics(stoppable_kafka.address, [topic_namespace + ThingHappened.topic])
    runtime = things_runtime(
        kafka_bootstrap=stoppable_kafka.address, topic_namespace=topic_namespace
    )
    process = WorkerProcess(runtime)
    process.start()
    yield runtime, process
    process.stop()


async def write_events(runtime: Runtime, start: int, count: int) -> None:
    """Commit events in transactions of 500, as a busy API would over time."""
    for first in range(start, start + count, 500):
        async with runtime.sessions() as session, session.begin():
            for sequence in range(first, min(first + 500, start + count)):
                await publish(
                    session, ThingHappened(thing_id=f"k{sequence % KEYS}", sequence=sequence)
                )


async def counts(runtime: Runtime) -> tuple[int, int, int]:
    async with runtime.sessions() as session:
        applied = await session.scalar(select(func.count()).select_from(effects))
        distinct = await session.scalar(select(func.count(func.distinct(effects.c.sequence))))
        unsent = await session.scalar(
            select(func.count()).select_from(outbox).where(outbox.c.sent_at.is_(None))
        )
    return int(applied or 0), int(distinct or 0), int(unsent or 0)


async def test_kafka_restarted_and_worker_killed_mid_run_every_effect_exists_exactly_once(
    worker: tuple[Runtime, WorkerProcess],
    stoppable_kafka: Server,
    capsys: pytest.CaptureFixture[str],
) -> None:
    kafka_server = stoppable_kafka
    assert kafka_server.stop is not None
    assert kafka_server.start is not None
    runtime, process = worker
    quarter = EVENTS // 4

    await write_events(runtime, 0, quarter)
    await eventually(lambda: _applied_at_least(runtime, quarter // 2), seconds=120)
    process.kill()  # mid-run, without warning
    await write_events(runtime, quarter, quarter)
    process.start()
    await eventually(lambda: _applied_at_least(runtime, quarter + quarter // 2), seconds=120)

    await asyncio.to_thread(kafka_server.stop)
    try:
        await write_events(runtime, 2 * quarter, quarter)  # the API keeps accepting work
        during_outage = await counts(runtime)
    finally:
        await asyncio.to_thread(kafka_server.start)
    await write_events(runtime, 3 * quarter, EVENTS - 3 * quarter)
    await eventually(lambda: _applied_at_least(runtime, EVENTS), seconds=300)
    await asyncio.sleep(2)  # a second effect of anything would have landed by now

    applied, distinct, unsent = await counts(runtime)
    with capsys.disabled():  # the counts are part of the result: always shown
        print(
            f"\nfaults: events={EVENTS} applied={applied} distinct={distinct} unsent={unsent} "
            f"unsent_during_kafka_outage={during_outage[2]}"
        )
    assert (applied, distinct, unsent) == (EVENTS, EVENTS, 0)
    assert during_outage[2] > 0


async def test_worker_killed_twice_mid_run_every_effect_exists_exactly_once_in_order_per_key(
    worker: tuple[Runtime, WorkerProcess], capsys: pytest.CaptureFixture[str]
) -> None:
    """Runs on any Kafka (it stops none): the worker is killed while it relays and applies
    batches, so records go out again and are redelivered; the inbox keeps one effect each."""
    runtime, process = worker
    third = EVENTS // 3
    for first in (0, third):
        await write_events(runtime, first, third)
        half_way = first + third // 2
        await eventually(lambda: _applied_at_least(runtime, half_way), seconds=120)  # noqa: B023
        process.kill()  # mid-batch, without warning
        process.start()
    await write_events(runtime, 2 * third, EVENTS - 2 * third)
    await eventually(lambda: _applied_at_least(runtime, EVENTS), seconds=300)
    await asyncio.sleep(2)  # a second effect of anything would have landed by now

    applied, distinct, unsent = await counts(runtime)
    with capsys.disabled():
        print(f"\nworker killed twice: events={EVENTS} applied={applied} distinct={distinct}")
    assert (applied, distinct, unsent) == (EVENTS, EVENTS, 0)
    async with runtime.sessions() as session:
        rows = await session.execute(
            select(effects.c.thing_id, effects.c.sequence).order_by(effects.c.id)
        )
        by_key: dict[str, list[int]] = {}
        for thing_id, sequence in rows:
            by_key.setdefault(thing_id, []).append(sequence)
    assert len(by_key) == KEYS
    assert all(sequences == sorted(sequences) for sequences in by_key.values())


async def _applied_at_least(runtime: Runtime, count: int) -> bool:
    return (await counts(runtime))[0] >= count
