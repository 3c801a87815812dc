"""OpenTelemetry traces across HTTP, the database, the outbox, Kafka and the consumer.

The trace context travels in the W3C `traceparent` header: from the HTTP request into the
outbox row, from the row into the Kafka record's headers, and from the record into the consumer's
span, so one delegation can be followed from the API call to its funding effect.

Every process has an SDK tracer provider, so log lines carry trace and span ids. Spans leave the
process only when an OTLP endpoint is configured (or a test records them); only then are the kept
instrumentations for FastAPI, SQLAlchemy and aiokafka switched on, since each costs time on every
request, statement and record.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from opentelemetry import context as otel_context
from opentelemetry import metrics as otel_metrics
from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_ON,
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
)
from opentelemetry.trace import Span, SpanKind

if TYPE_CHECKING:
    from fastapi import FastAPI
    from sqlalchemy.ext.asyncio import AsyncEngine

tracer = trace.get_tracer("llr")
_exporting = False
_traced_engines: weakref.WeakSet[object] = weakref.WeakSet()
TRACE_HEADERS = frozenset({"traceparent", "tracestate"})
UNTRACED_PATHS = "/health,/ready,/metrics"


def configure(service: str, endpoint: str) -> None:
    """Ids for every process; export to an OTLP/HTTP endpoint (http://collector:4318/v1/traces)."""
    provider = _provider(service)
    if endpoint and not _exporting:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.trace.export import BatchSpanProcessor

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
        _start_exporting()


def record_to(exporter: SpanExporter) -> None:
    """Send every span to this exporter as it ends (tests, with an in-memory exporter)."""
    _provider("test").add_span_processor(SimpleSpanProcessor(exporter))
    _start_exporting()


def stop_recording(exporter: SpanExporter) -> None:
    """The end of a test's recording: later spans are neither kept nor, for new apps, made."""
    global _exporting
    exporter.shutdown()
    from opentelemetry.instrumentation.aiokafka import AIOKafkaInstrumentor

    AIOKafkaInstrumentor().uninstrument()
    _exporting = False


def exporting() -> bool:
    return _exporting


class _RecordWhileExporting(Sampler):
    """Spans are recorded only while something exports them; unrecorded ones still have ids."""

    _exported = ParentBased(ALWAYS_ON)

    def should_sample(self, *args: Any, **kwargs: Any) -> SamplingResult:
        if _exporting:
            return self._exported.should_sample(*args, **kwargs)
        return SamplingResult(Decision.DROP)

    def get_description(self) -> str:
        return "RecordWhileExporting"


def _provider(service: str) -> TracerProvider:
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current  # the first service of a process names it (standalone has five)
    provider = TracerProvider(
        resource=Resource.create({"service.name": f"llr-{service}"}),
        sampler=_RecordWhileExporting(),
    )
    trace.set_tracer_provider(provider)
    return provider


def _start_exporting() -> None:
    global _exporting
    if _exporting:
        return
    from opentelemetry.instrumentation.aiokafka import AIOKafkaInstrumentor

    AIOKafkaInstrumentor().instrument()
    _exporting = True


def instrument(app: FastAPI, engine: AsyncEngine) -> bool:
    """Server spans for the app and a span per statement on its engine, when spans are exported.
    False when they are not: the request middleware then opens the server span itself."""
    if not _exporting:
        return False
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    FastAPIInstrumentor.instrument_app(
        app, excluded_urls=UNTRACED_PATHS, exclude_spans=["receive", "send"]
    )
    instrument_engine(engine)
    return True


def instrument_engine(engine: AsyncEngine) -> None:
    """A span per SQL statement, once per engine."""
    if not _exporting or engine.sync_engine in _traced_engines:
        return
    from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer

    meter = otel_metrics.get_meter("opentelemetry.instrumentation.sqlalchemy")
    usage = meter.create_up_down_counter("db.client.connections.usage", unit="connections")
    statements = trace.get_tracer("opentelemetry.instrumentation.sqlalchemy")
    EngineTracer(statements, engine.sync_engine, usage)  # type: ignore[no-untyped-call]
    _traced_engines.add(engine.sync_engine)


def current_context_headers() -> dict[str, str]:
    """The current trace context as headers to store with an outbox row."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def context_from(headers: Mapping[str, str]) -> Context:
    return propagate.extract(dict(headers))


def current_ids() -> dict[str, str]:
    """The current trace and span ids, for log lines; empty outside any span."""
    context = trace.get_current_span().get_span_context()
    if not context.is_valid:
        return {}
    return {
        "trace_id": format(context.trace_id, "032x"),
        "span_id": format(context.span_id, "016x"),
    }


@contextmanager
def continued(headers: Sequence[tuple[str, bytes]]) -> Iterator[list[tuple[str, bytes]]]:
    """Inside the trace a record's headers carry. When aiokafka's instrumentation is on it writes
    its own send span's context into the headers, so the row's one is dropped (one traceparent)."""
    if not _exporting:
        yield list(headers)
        return
    carried = {k: v.decode(errors="replace") for k, v in headers if k in TRACE_HEADERS}
    token = otel_context.attach(context_from(carried))
    try:
        yield [(k, v) for k, v in headers if k not in TRACE_HEADERS]
    finally:
        otel_context.detach(token)


@contextmanager
def span(name: str, kind: SpanKind, parent: Mapping[str, str], **attributes: str) -> Iterator[Span]:
    with tracer.start_as_current_span(
        name, context=context_from(parent), kind=kind, attributes=attributes
    ) as current:
        yield current
