"""Kafka over TLS with SASL: a broker of this test's own with a SASL_SSL listener (its CA and
certificates made here, its SCRAM user made with kafka-configs), started and removed by the test."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog
from sqlalchemy import func, select

from shared.events.cloudevents import Message
from shared.outbox import publish
from shared.service import Runtime
from shared.testing.servers import SecuredKafka, free_port, secured_kafka
from shared.transport import (
    KafkaNotReady,
    KafkaPublisher,
    KafkaSecurity,
    KafkaSubscriber,
    broker_reachable,
    ensure_topics,
)
from shared.worker import run_worker
from tests.kernel import things

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecuredKafka]:
    with secured_kafka(tmp_path_factory.mktemp("secured-kafka")) as started:
        yield started


def security_of(broker: SecuredKafka, **overrides: Any) -> dict[str, Any]:
    """A worker's settings for the SASL_SSL listener, with a client certificate."""
    return {
        "kafka_bootstrap": broker.sasl_ssl,
        "kafka_security_protocol": "SASL_SSL",
        "kafka_ssl_cafile": broker.tls / "ca.pem",
        "kafka_ssl_certfile": broker.tls / "client.pem",
        "kafka_ssl_keyfile": broker.tls / "client-key.pem",
        "kafka_sasl_mechanism": "SCRAM-SHA-512",
        "kafka_sasl_username": broker.user,
        "kafka_sasl_password": broker.password,
        "topic_namespace": f"t{uuid.uuid4().hex[:10]}.",
        **overrides,
    }


@contextlib.asynccontextmanager
async def given_worker(runtime: Runtime) -> AsyncIterator[str]:
    """The worker running with its operations port; yields the port's base URL."""
    stop = asyncio.Event()
    port = free_port()
    task = asyncio.create_task(run_worker(runtime, stop, port=port))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop.set()
        await asyncio.wait_for(task, 30)


async def ready_answer(base: str) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        for _ in range(100):
            with contextlib.suppress(httpx.HTTPError):
                return await client.get(f"{base}/ready", timeout=5)
            await asyncio.sleep(0.1)
    raise AssertionError(f"{base}/ready never answered")


async def effects_in(runtime: Runtime) -> int:
    async with runtime.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(things.effects)) or 0)


async def test_a_worker_relays_and_consumes_through_tls_and_scram(
    broker: SecuredKafka, things_runtime: Callable[..., Runtime]
) -> None:
    runtime = things_runtime(**security_of(broker))
    async with runtime.sessions() as session, session.begin():
        await publish(session, things.ThingHappened(thing_id="secured", sequence=1))

    async with given_worker(runtime) as base:
        for _ in range(300):
            if await effects_in(runtime):
                break
            await asyncio.sleep(0.1)
        ready = await ready_answer(base)

    assert await effects_in(runtime) == 1
    assert ready.status_code == 200


async def test_plain_over_tls_publishes_and_consumes(broker: SecuredKafka) -> None:
    security = KafkaSecurity(
        protocol="SASL_SSL",
        cafile=broker.tls / "ca.pem",
        mechanism="PLAIN",
        username=broker.user,
        password=broker.password,
    )
    topic = f"t{uuid.uuid4().hex[:10]}.plain"
    await ensure_topics(broker.sasl_ssl, [topic], partitions=1, security=security)
    publisher = KafkaPublisher(broker.sasl_ssl, timeout=20, security=security)
    await publisher.publish([Message(topic=topic, key=b"k", value=b"hello", headers=())])
    await publisher.stop()
    received: list[Message] = []
    stop = asyncio.Event()

    async def deliver(messages: Any) -> None:
        received.extend(messages)
        stop.set()

    subscriber = KafkaSubscriber(
        broker.sasl_ssl, f"g-{topic}", [topic], deliver, "plain", security=security
    )
    await asyncio.wait_for(subscriber.run(stop), 60)

    assert [m.value for m in received] == [b"hello"]


async def test_a_wrong_password_makes_the_worker_unready_and_says_why(
    broker: SecuredKafka, things_runtime: Callable[..., Runtime]
) -> None:
    runtime = things_runtime(**security_of(broker, kafka_sasl_password="not-the-password"))

    with structlog.testing.capture_logs() as lines:
        async with given_worker(runtime) as base:
            ready = await ready_answer(base)

    assert ready.status_code == 503
    assert ready.json()["detail"] == "not ready"  # the reason goes to the log only
    reasons = [str(line.get("reason")) for line in lines if line["log_level"] != "info"]
    assert any("refused the SASL credentials" in reason for reason in reasons), lines


async def test_the_readiness_check_refuses_a_broker_whose_ca_it_does_not_trust(
    broker: SecuredKafka, tmp_path: Path
) -> None:
    (tmp_path / "other-ca").mkdir()
    from shared.testing.servers import _certificates

    _certificates(tmp_path / "other-ca")
    security = KafkaSecurity(
        protocol="SASL_SSL",
        cafile=tmp_path / "other-ca" / "ca.pem",
        username=broker.user,
        password=broker.password,
    )

    with pytest.raises(KafkaNotReady, match="TLS with Kafka failed"):
        await broker_reachable(broker.sasl_ssl, security)
