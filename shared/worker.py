"""A service's worker: outbox relay, event consumer and scheduler, with health and metrics."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Sequence

import structlog
import uvicorn
from fastapi import FastAPI

from shared import logs
from shared.events.operations import MessageParked
from shared.outbox import Publisher, Relay
from shared.service import Job, Runtime, ServiceSpec
from shared.transport import KafkaPublisher, KafkaSubscriber, broker_reachable, ensure_topics
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
    )


async def run_worker(runtime: Runtime, stop: asyncio.Event, *, port: int | None = None) -> None:
    """Runs until `stop` is set; every loop survives a broker or database outage."""
    settings = runtime.settings
    publisher = KafkaPublisher(settings.kafka_bootstrap, timeout=settings.publish_timeout_seconds)
    topics = {*runtime.spec.consumed_topics, *runtime.spec.published_topics, MessageParked.topic}
    await ensure_topics(settings.kafka_bootstrap, [settings.topic_namespace + t for t in topics])
    loops = [
        relay_for(runtime, publisher).run(stop, settings.relay_interval_seconds),
        run_jobs(runtime, runtime.spec.jobs, stop),
    ]
    if runtime.spec.consumed_topics:
        loops.append(subscriber_for(runtime).run(stop))
    if port is not None:
        loops.append(_serve_operations(runtime, stop, port))
    try:
        await asyncio.gather(*loops)
    finally:
        await publisher.stop()
        await runtime.close()


async def _serve_operations(runtime: Runtime, stop: asyncio.Event, port: int) -> None:
    app = FastAPI(title=f"{runtime.spec.title} worker")

    async def kafka() -> None:
        await broker_reachable(runtime.settings.kafka_bootstrap)

    add_operational_routes(app, runtime, [kafka])
    server = uvicorn.Server(uvicorn.Config(app, host="0.0.0.0", port=port, log_level="warning"))  # noqa: S104
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
