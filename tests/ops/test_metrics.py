"""Metrics an alert can rely on: counters exist at zero from the start, the parked-now gauge
comes from the table, lag is by topic and partition, build info; the rules file and its
PrometheusRule manifest say the same."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import subprocess
from collections.abc import Callable

import pytest
import yaml
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert

from shared import metrics
from shared.events.cloudevents import Message
from shared.inbox import dead_letters
from shared.outbox import PublishFailed
from shared.service import Runtime
from shared.testing.plugin import repo_root
from shared.transport import KafkaPublisher
from shared.worker import watch_dead_letters
from tests.conftest import ServiceClient
from tests.kernel import things

MONITORING = repo_root() / "deploy" / "monitoring"


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(name: str, **labels: str) -> float | None:
    return REGISTRY.get_sample_value(name, labels)


async def test_an_apis_counters_an_alert_watches_exist_at_zero_before_any_request(
    service_client: ServiceClient,
) -> None:
    from services.training.main import SPEC as TRAINING

    async with service_client(TRAINING) as (client, _):
        text = (await client.get("/metrics")).text

    found = samples(text)
    assert ("llr_http_server_errors_total", frozenset({("service", "training")})) in found
    assert ("llr_dead_letters_parked_total", frozenset({("service", "training")})) in found
    infos = [labels for name, labels in found if name == "llr_build_info"]
    assert any(("service", "training") in labels for labels in infos)
    assert all(dict(labels)["version"] for labels in infos)


async def test_the_parked_gauge_counts_what_waits_in_the_table(
    things_runtime: Callable[..., Runtime],
) -> None:
    runtime = things_runtime()
    row = {
        "topic": "t",
        "partition": 0,
        "offset": 1,
        "key": "k",
        "headers": {},
        "value": "{}",
        "error": "boom",
        "attempts": 5,
        "parked_at": runtime.clock.now(),
    }
    async with runtime.sessions() as session, session.begin():
        await session.execute(insert(dead_letters), [row, {**row, "offset": 2}])
    stop = asyncio.Event()

    watching = asyncio.create_task(watch_dead_letters(runtime, stop, every=0.05))
    await asyncio.sleep(0.5)
    stop.set()
    await watching

    assert value("llr_dead_letters_waiting", service=things.SPEC.name) == 2


async def test_a_failed_publish_counts_as_a_relay_failure() -> None:
    before = value("llr_outbox_relay_failures_total", service="ops-test") or 0.0
    publisher = KafkaPublisher("127.0.0.1:1", timeout=0.5, service="ops-test")

    with contextlib.suppress(PublishFailed):
        await publisher.publish([Message(topic="t", key=b"k", value=b"v", headers=())])

    assert value("llr_outbox_relay_failures_total", service="ops-test") == before + 1


def test_consumer_lag_is_labelled_by_topic_and_partition() -> None:
    assert metrics.CONSUMER_LAG._labelnames == ("service", "topic", "partition")


def test_the_prometheus_rule_manifest_holds_the_rules_file() -> None:
    rules = yaml.safe_load((MONITORING / "rules.yml").read_text())
    manifest = yaml.safe_load((MONITORING / "prometheusrule.yaml").read_text())

    assert manifest["kind"] == "PrometheusRule"
    assert manifest["spec"] == rules


def test_every_alert_names_a_runbook_section_that_exists() -> None:
    runbook = (repo_root() / "docs" / "runbook.md").read_text()
    anchors = {
        "#" + line.lstrip("#").strip().lower().replace(" ", "-").replace(",", "")
        for line in runbook.splitlines()
        if line.startswith("#")
    }
    rules = yaml.safe_load((MONITORING / "rules.yml").read_text())
    links = {
        rule["annotations"]["runbook"].removeprefix("docs/runbook.md")
        for group in rules["groups"]
        for rule in group["rules"]
    }

    assert links <= anchors, links - anchors


def promtool_check(promtool: str, text: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [promtool, "check", "metrics"], input=text, capture_output=True, text=True, check=False
    )


async def test_promtool_finds_nothing_to_lint_in_what_an_api_serves(
    service_client: ServiceClient,
) -> None:
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool is installed by make lint (Debian's prometheus package)")
    from services.funding.main import SPEC as FUNDING

    async with service_client(FUNDING) as (client, _):
        await client.get("/health")
        text = (await client.get("/metrics")).text

    done = promtool_check(promtool, text)
    assert done.returncode == 0, done.stdout + done.stderr
