"""Traces follow one change from the HTTP call, through the outbox, into the consumer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from sqlalchemy import select

from services.delegation.main import SPEC as DELEGATION
from services.governance.main import SPEC as GOVERNANCE
from shared.auth import Role
from shared.outbox import outbox, to_message
from tests.conftest import ServiceClient, bearer

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
EXPORTER = InMemorySpanExporter()


@pytest.fixture(scope="module", autouse=True)
def recording() -> Iterator[None]:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(EXPORTER))
    trace.set_tracer_provider(provider)
    yield
    EXPORTER.clear()


async def test_the_trace_context_of_a_request_travels_with_its_event(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        await client.post(
            "/framework-versions",
            json={"version": 2, "effective_from": "2027-04-01", "summary": "v2"},
            headers={**bearer(Role.IPCB_MEMBER), "traceparent": TRACEPARENT},
        )
        async with runtime.sessions() as session:
            row = (await session.execute(select(outbox))).mappings().one()
    message = to_message(row, "")
    async with service_client(DELEGATION) as (_, delegation):
        await delegation.inbox.deliver(message)

    assert dict(message.headers)["traceparent"].decode().split("-")[1] == TRACE_ID
    spans = {s.name: s for s in EXPORTER.get_finished_spans()}
    server = spans["POST /framework-versions"]
    consumer = spans["apply uk.nhs.llr.governance.FrameworkVersionPublished.v1"]
    assert format(server.context.trace_id, "032x") == TRACE_ID
    assert format(consumer.context.trace_id, "032x") == TRACE_ID
