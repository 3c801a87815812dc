"""Prometheus metrics every process exposes on /metrics, labelled by service."""

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "llr_http_requests_total", "HTTP requests", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "llr_http_request_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EVENTS_PUBLISHED = Counter("llr_events_published_total", "Outbox rows relayed", ["service"])
EVENTS_CONSUMED = Counter(
    "llr_events_consumed_total", "Events applied by consumers", ["service", "type"]
)
OUTBOX_BACKLOG = Gauge("llr_outbox_backlog", "Outbox rows not yet sent", ["service"])
OUTBOX_OLDEST_AGE = Gauge(
    "llr_outbox_oldest_unsent_seconds", "Age of the oldest unsent outbox row", ["service"]
)
CONSUMER_LAG = Gauge("llr_consumer_lag", "Records behind the log end", ["service", "partition"])
DEAD_LETTERS = Counter("llr_dead_letters_parked_total", "Messages parked", ["service"])
