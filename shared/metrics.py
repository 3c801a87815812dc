"""Prometheus metrics every process exposes on /metrics, labelled by service.

Counters an alert watches with `increase()` exist at zero from the start (`known`): a series born
at its first increment has no earlier sample, so the first parked message after a restart would
never count as an increase.
"""

import os
import platform
from importlib import metadata

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "llr_http_requests_total", "HTTP requests", ["service", "method", "route", "status"]
)
HTTP_SERVER_ERRORS = Counter(
    "llr_http_server_errors_total", "HTTP answers with a 5xx status", ["service"]
)
HTTP_LATENCY = Histogram(
    "llr_http_request_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EVENTS_PUBLISHED = Counter("llr_events_published_total", "Outbox rows relayed", ["service"])
RELAY_FAILURES = Counter(
    "llr_outbox_relay_failures_total",
    "Relay publishes to Kafka that failed; the rows wait for the next round",
    ["service"],
)
EVENTS_CONSUMED = Counter(
    "llr_events_consumed_total", "Events applied by consumers", ["service", "type"]
)
OUTBOX_BACKLOG = Gauge("llr_outbox_backlog", "Outbox rows not yet sent", ["service"])
OUTBOX_OLDEST_AGE = Gauge(
    "llr_outbox_oldest_unsent_seconds", "Age of the oldest unsent outbox row", ["service"]
)
CONSUMER_LAG = Gauge(
    "llr_consumer_lag", "Records behind the log end", ["service", "topic", "partition"]
)
PLUMBING_ROWS = Gauge("llr_plumbing_rows", "Rows in a plumbing table", ["service", "table"])
DEAD_LETTERS = Counter("llr_dead_letters_parked_total", "Messages parked", ["service"])
DEAD_LETTERS_WAITING = Gauge(
    "llr_dead_letters_waiting", "Parked messages not replayed yet (from the database)", ["service"]
)
BUILD_INFO = Gauge(
    "llr_build_info",
    "Always 1: the version and revision this process runs",
    ["service", "version", "revision", "python"],
)


def known(service: str) -> None:
    """Every counter of this service at zero, and its build info, before anything happens."""
    for counter in (HTTP_SERVER_ERRORS, EVENTS_PUBLISHED, RELAY_FAILURES, DEAD_LETTERS):
        counter.labels(service)
    revision = os.environ.get("LLR_REVISION", "unknown")
    BUILD_INFO.labels(service, _version(), revision, platform.python_version()).set(1)


def _version() -> str:
    try:
        return metadata.version("llr-integrated-care")
    except metadata.PackageNotFoundError:
        return "unknown"
