"""A service's worker: outbox relay, event consumer and scheduler, with health and metrics."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Sequence

import structlog
import uvicorn
from fastapi import FastAPI
from sqlalchemy import func, select

from shared import logs, metrics, tracing
from shared.events.operations import MessageParked
from shared.headers import SecurityHeaders
from shared.inbox import dead_letters
from shared.outbox import Publisher, Relay
from shared.service import Job, Runtime, ServiceSpec
from shared.transport import (
    KafkaPublisher,
    KafkaSecurity,
    KafkaSubscriber,
    broker_reachable,
    ensure_topics,
    why_kafka_failed,
)
from shared.web import add_operational_routes

log = structlog.get_logger()


def relay_for(runtime: Runtime, publisher: Publisher) -> Relay:
    settings = runtime.settings
    return Relay(
        runtime.spec.name,
        runtime.sessions,
        publisher,
        runtime.clock,
        namespace=settings.topic_namespace,
        batch_size=settings.relay_batch_size,
    )


async def run_jobs(runtime: Runtime, jobs: Sequence[Job], stop: asyncio.Event) -> None:
    """Due reviews, refreshers and expiries: each job runs in its own transaction."""
    while not stop.is_set():
        for job in jobs:
            try:
                async with runtime.sessions() as session, session.begin():
                    await job(session)
            except Exception as exc:
                log.warning("scheduled job failed", job=job.__name__, error=repr(exc))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), runtime.settings.scheduler_interval_seconds)


def subscriber_for(runtime: Runtime) -> KafkaSubscriber:
    settings, spec = runtime.settings, runtime.spec
    return KafkaSubscriber(
        settings.kafka_bootstrap,
        settings.consumer_group or f"llr-{spec.name}",
        [settings.topic_namespace + topic for topic in spec.consumed_topics],
        runtime.inbox.deliver_batch,
        spec.name,
        security=KafkaSecurity.of(settings),
    )


async def run_worker(runtime: Runtime, stop: asyncio.Event, *, port: int | None = None) -> None:
    """Runs until `stop` is set; every loop survives a broker or database outage."""
    settings, name = runtime.settings, runtime.spec.name
    security = KafkaSecurity.of(settings)
    metrics.known(name)
    for event in runtime.spec.subscriptions:  # at zero: each type it consumes
        metrics.EVENTS_CONSUMED.labels(name, event.event_type())
    tracing.instrument_engine(runtime.engine)
    publisher = KafkaPublisher(
        settings.kafka_bootstrap,
        timeout=settings.publish_timeout_seconds,
        security=security,
        service=name,
    )
    operations = [_serve_operations(runtime, stop, port)] if port is not None else []
    serving = [asyncio.create_task(loop) for loop in operations]
    try:
        if await _topics_made(runtime, security, stop):
            loops = [
                relay_for(runtime, publisher).run(stop, settings.relay_interval_seconds),
                run_jobs(runtime, runtime.spec.jobs, stop),
                watch_dead_letters(runtime, stop),
            ]
            if runtime.spec.consumed_topics:
                loops.append(subscriber_for(runtime).run(stop))
            await asyncio.gather(*loops)
        await asyncio.gather(*serving)
    finally:
        for task in serving:  # a loop that failed leaves the operations port to close
            task.cancel()
        await asyncio.gather(*serving, return_exceptions=True)
        await publisher.stop()
        await runtime.close()


async def _topics_made(runtime: Runtime, security: KafkaSecurity, stop: asyncio.Event) -> bool:
    """Create the worker's topics, retrying while Kafka is away or refuses us (/ready says why)."""
    settings, spec = runtime.settings, runtime.spec
    topics = {*spec.consumed_topics, *spec.published_topics, MessageParked.topic}
    wanted = [settings.topic_namespace + t for t in topics]
    while not stop.is_set():
        try:
            await ensure_topics(settings.kafka_bootstrap, wanted, security=security)
            return True
        except Exception as exc:
            log.error("kafka topics not created; retrying", reason=why_kafka_failed(exc))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 5)
    return False


async def watch_dead_letters(runtime: Runtime, stop: asyncio.Event, every: float = 15) -> None:
    """The parked-now gauge, from the table: right after a restart and after every replay."""
    gauge = metrics.DEAD_LETTERS_WAITING.labels(runtime.spec.name)
    while not stop.is_set():
        try:
            async with runtime.sessions() as session:
                waiting = await session.scalar(
                    select(func.count()).where(dead_letters.c.replayed_at.is_(None))
                )
            gauge.set(waiting or 0)
        except Exception as exc:
            log.warning("dead letters not counted", error=repr(exc))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)


async def _serve_operations(runtime: Runtime, stop: asyncio.Event, port: int) -> None:
    app = FastAPI(
        title=f"{runtime.spec.title} worker", docs_url=None, redoc_url=None, openapi_url=None
    )
    app.add_middleware(SecurityHeaders)
    security = KafkaSecurity.of(runtime.settings)

    async def kafka() -> None:
        try:
            await broker_reachable(runtime.settings.kafka_bootstrap, security)
        except Exception as exc:
            log.warning("not ready: kafka", reason=str(exc))
            raise

    add_operational_routes(app, runtime, [kafka])
    config = uvicorn.Config(app, host="0.0.0.0", port=port, log_level="warning", log_config=None)  # noqa: S104
    server = uvicorn.Server(config)
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]
    serving = asyncio.create_task(server.serve())
    await stop.wait()
    server.should_exit = True
    await serving


def main(spec: ServiceSpec) -> None:
    """Run one service's worker process until SIGTERM or SIGINT."""
    settings = spec.settings_type()
    logs.configure(settings.log_level)

    async def _main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_worker(Runtime(spec, settings), stop, port=settings.worker_port)

    asyncio.run(_main())
