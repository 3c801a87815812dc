"""Soak: a long run of events through outbox, Kafka and inbox with retention pruning on.

Shows that both plumbing tables stay within the retention window (sent outbox rows and inbox ids
older than the window are deleted as the run goes) and that the relay's throughput is flat from
the first 100,000 events to the last (no table growing under it).

    python -m bench.soak                      1,000,000 events, a 10 s window, pruning every 2 s
    python -m bench.soak --events 300000      what fits a shorter run
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
import uuid
from datetime import timedelta

from prometheus_client import REGISTRY
from sqlalchemy import func, insert, select

from bench.common import fresh_database, settings
from bench.cores import pin_load_generator
from bench.pipeline import THINGS_IN_RUNS, payload
from shared.clock import SystemClock
from shared.events import new_event_id
from shared.inbox import inbox
from shared.outbox import Relay, outbox
from shared.service import Runtime
from shared.testing.servers import kafka, postgres, running
from shared.transport import KafkaPublisher, KafkaSubscriber, ensure_topics
from tests.kernel import things

WRITE_BATCH = 2_000


async def write(runtime: Runtime, total: int, ahead: int, sent: list[float]) -> None:
    """Commit events as a busy API would, staying at most `ahead` events before the relay."""
    topic, kind, now = things.ThingHappened.topic, things.ThingHappened.event_type(), SystemClock()
    for first in range(0, total, WRITE_BATCH):
        while first - sent[0] > ahead:
            await asyncio.sleep(0.02)
        rows = [
            {
                "event_id": new_event_id(),
                "topic": topic,
                "key": f"person-{i % 1000}",
                "type": kind,
                "source": "/llr/soak",
                "payload": payload(i),
                "headers": {},
                "occurred_at": now.now(),
            }
            for i in range(first, min(first + WRITE_BATCH, total))
        ]
        async with runtime.sessions() as session, session.begin():
            await session.execute(insert(outbox), rows)


async def sizes(runtime: Runtime) -> tuple[int, int]:
    async with runtime.sessions() as session:
        rows = await session.scalar(select(func.count()).select_from(outbox))
        ids = await session.scalar(select(func.count()).select_from(inbox))
    return int(rows or 0), int(ids or 0)


def published() -> float:
    return REGISTRY.get_sample_value("llr_events_published_total", {"service": "soak"}) or 0.0


async def soak(total: int, window: float, prune_every: float, limit: float, chunk: int) -> None:
    with running(postgres) as pg, running(kafka) as broker:
        url = await fresh_database(pg.address, "bench_soak")
        await things.create_tables(url)
        namespace = f"soak{uuid.uuid4().hex[:6]}."
        await ensure_topics(broker.address, [namespace + things.ThingHappened.topic])
        service = settings(url, broker.address, topic_namespace=namespace)
        runtime = Runtime(THINGS_IN_RUNS, service, SystemClock())
        publisher = KafkaPublisher(broker.address, timeout=30)
        relay = Relay(
            "soak",
            runtime.sessions,
            publisher,
            runtime.clock,
            namespace=namespace,
            batch_size=1000,
            retention=timedelta(seconds=window),
            prune_every=prune_every,
        )
        subscriber = KafkaSubscriber(
            broker.address,
            f"soak-{namespace}",
            [namespace + things.ThingHappened.topic],
            runtime.inbox.deliver_batch,
            "soak",
        )
        stop, sent = asyncio.Event(), [0.0]
        base = published()
        tasks = [
            asyncio.create_task(relay.run(stop, 0.05)),
            asyncio.create_task(subscriber.run(stop)),
            asyncio.create_task(write(runtime, total, 50_000, sent)),
        ]
        started = last = time.perf_counter()
        marks, largest = [0], (0, 0)
        print(f"| events sent | relay events/s (these {chunk:,}) | outbox rows | inbox ids |")
        print("|---|---|---|---|")
        while sent[0] < total and time.perf_counter() - started < limit:
            await asyncio.sleep(0.5)
            sent[0] = published() - base
            if sent[0] >= marks[-1] + chunk or sent[0] >= total:
                now, (rows, ids) = time.perf_counter(), await sizes(runtime)
                largest = (max(largest[0], rows), max(largest[1], ids))
                rate = (sent[0] - marks[-1]) / (now - last)
                print(f"| {sent[0]:,.0f} | {rate:,.0f} | {rows:,} | {ids:,} |", flush=True)
                marks.append(int(sent[0]))
                last = now
        elapsed = time.perf_counter() - started
        stop.set()
        await asyncio.gather(*tasks)
        await publisher.stop()
        await runtime.close()
        print(
            f"\n{sent[0]:,.0f} of {total:,} events in {elapsed:.0f} s ({sent[0] / elapsed:,.0f}/s);"
            f" window {window:g} s; largest outbox {largest[0]:,} rows, inbox {largest[1]:,} ids"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--window", type=float, default=10.0, help="retention, seconds")
    parser.add_argument("--prune-every", type=float, default=2.0, help="seconds")
    parser.add_argument("--limit", type=float, default=900.0, help="stop after, seconds")
    parser.add_argument("--chunk", type=int, default=100_000, help="report every, events")
    args = parser.parse_args()
    print(pin_load_generator(), file=sys.stderr)
    asyncio.run(soak(args.events, args.window, args.prune_every, args.limit, args.chunk))
