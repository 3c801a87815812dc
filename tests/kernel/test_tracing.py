"""Traces follow one change from the HTTP call, through the outbox and Kafka, into the consumer's
database writes: the kept OpenTelemetry instrumentations (FastAPI, SQLAlchemy, aiokafka) and our
own spans, recorded by an in-memory exporter."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator, Sequence

import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from sqlalchemy import select

from services.delegation.main import SPEC as DELEGATION
from services.governance.main import SPEC as GOVERNANCE
from shared import tracing
from shared.auth import Role
from shared.events.cloudevents import Message
from shared.events.governance import FrameworkVersionPublished
from shared.outbox import outbox, to_message
from shared.testing.plugin import MakeTopics
from shared.testing.servers import Server
from shared.transport import KafkaPublisher, KafkaSubscriber
from shared.worker import relay_for
from tests.conftest import ServiceClient, bearer

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
EXPORTER = InMemorySpanExporter()
NEW_VERSION = {"version": 2, "effective_from": "2027-04-01", "summary": "v2"}


@pytest.fixture(scope="module", autouse=True)
def recording() -> Iterator[None]:
    tracing.record_to(EXPORTER)
    yield
    tracing.stop_recording(EXPORTER)


@pytest.fixture(autouse=True)
def fresh_spans() -> None:
    EXPORTER.clear()


def trace_of(span: ReadableSpan) -> list[ReadableSpan]:
    trace_id = span.context.trace_id
    return [s for s in EXPORTER.get_finished_spans() if s.context.trace_id == trace_id]


def statements_under(parent: ReadableSpan, spans: Sequence[ReadableSpan]) -> list[str]:
    """The SQL of the statement spans directly under this span."""
    return [
        str((s.attributes or {}).get("db.statement", ""))
        for s in spans
        if s.parent is not None and s.parent.span_id == parent.context.span_id
    ]


def named(name: str) -> ReadableSpan:
    return next(s for s in EXPORTER.get_finished_spans() if s.name == name)


async def test_the_trace_context_of_a_request_travels_with_its_event(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        await client.post(
            "/framework-versions",
            json=NEW_VERSION,
            headers={**bearer(Role.IPCB_MEMBER), "traceparent": TRACEPARENT},
        )
        async with runtime.sessions() as session:
            row = (await session.execute(select(outbox))).mappings().one()
    message = to_message(row, "")
    async with service_client(DELEGATION) as (_, delegation):
        await delegation.inbox.deliver(message)

    assert dict(message.headers)["traceparent"].decode().split("-")[1] == TRACE_ID
    server = named("POST /framework-versions")
    consumer = named("apply uk.nhs.llr.governance.FrameworkVersionPublished.v1")
    assert format(server.context.trace_id, "032x") == TRACE_ID
    assert format(consumer.context.trace_id, "032x") == TRACE_ID


async def test_one_trace_runs_from_the_request_through_kafka_to_the_consumers_writes(
    service_client: ServiceClient,
    kafka_server: Server,
    topic_namespace: str,
    make_topics: MakeTopics,
) -> None:
    await make_topics([FrameworkVersionPublished.topic])
    async with service_client(GOVERNANCE, topic_namespace=topic_namespace) as (client, governance):
        await client.post("/framework-versions", json=NEW_VERSION, headers=bearer(Role.IPCB_MEMBER))
        publisher = KafkaPublisher(kafka_server.address)
        await relay_for(governance, publisher).relay_once()
        await publisher.stop()
    async with service_client(DELEGATION) as (_, delegation):
        stop = asyncio.Event()

        async def deliver(messages: Sequence[Message]) -> None:
            await delegation.inbox.deliver_batch(messages)
            stop.set()

        topic = topic_namespace + FrameworkVersionPublished.topic
        consumer = KafkaSubscriber(
            kafka_server.address, f"g-{topic}", [topic], deliver, DELEGATION.name
        )
        await asyncio.wait_for(consumer.run(stop), 60)

    server = named("POST /framework-versions")
    spans = trace_of(server)
    sent = next(s for s in spans if s.kind is SpanKind.PRODUCER)
    applied = next(s for s in spans if s.name.startswith("apply "))
    assert server.kind is SpanKind.SERVER
    assert any("INSERT INTO outbox" in sql for sql in statements_under(server, spans))
    assert sent.name == f"{topic} send"
    assert applied.parent is not None
    assert applied.parent.span_id == sent.context.span_id
    # the consumer's effect: delegation's projection of the published version
    assert any("INSERT INTO framework_versions" in sql for sql in statements_under(applied, spans))
