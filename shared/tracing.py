"""OpenTelemetry traces across HTTP, the outbox, Kafka and the consumer.

The trace context travels in the W3C `traceparent` header: from the HTTP request into the
outbox row, from the row into the Kafka record's headers, and from the record into the consumer's
span, so one delegation can be followed from the API call to its funding effect. Exporting is off
unless an OTLP endpoint is configured; without one the OpenTelemetry API is a no-op.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.trace import Span, SpanKind

tracer = trace.get_tracer("llr")
_configured = False


def configure(service: str, endpoint: str) -> None:
    """Export spans to an OTLP/HTTP endpoint (e.g. http://collector:4318/v1/traces), once."""
    global _configured
    if not endpoint or _configured:
        return
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    provider = TracerProvider(resource=Resource.create({"service.name": f"llr-{service}"}))
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(provider)
    _configured = True


def current_context_headers() -> dict[str, str]:
    """The current trace context as headers to store with an outbox row."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def context_from(headers: Mapping[str, str]) -> Context:
    return propagate.extract(dict(headers))


@contextmanager
def span(name: str, kind: SpanKind, parent: Mapping[str, str], **attributes: str) -> Iterator[Span]:
    with tracer.start_as_current_span(
        name, context=context_from(parent), kind=kind, attributes=attributes
    ) as current:
        yield current
