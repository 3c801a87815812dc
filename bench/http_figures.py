"""HTTP figures: the decision endpoint against a bare insert endpoint; commit to effect."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import select

from bench import load
from bench.common import Row, fresh_database
from bench.processes import Process, python
from bench.start_figures import BASE_PORT, baseline
from services import registry
from shared.auth import Role, dev_private_key, mint_token
from shared.events.assessment import PersonRegistered
from shared.events.vocabulary import Setting
from shared.inbox import inbox
from shared.outbox import outbox
from shared.service import Runtime
from shared.settings import ServiceSettings
from shared.testing.servers import Server
from shared.transport import ensure_topics
from tests.assessment.conftest import given_person_body
from tests.delegation.conftest import given_decision_body, given_proposal_body, given_related

SERVICES = registry.by_name()

THROUGHPUT_REQUESTS = 2000
WARM_UP = 200  # requests before measuring: pools filled, statements prepared
RATE, SECONDS = 100, 10
KEY_FILE = Path(tempfile.gettempdir()) / "llr-bench-signing-key.pem"


def bearer(role: Role, organisation: str) -> dict[str, str]:
    token = mint_token(
        dev_private_key(KEY_FILE),
        ServiceSettings(),
        role=role,
        organisation=organisation,
        lifetime_seconds=3600,
    )
    return {"Authorization": f"Bearer {token}"}


async def migrated_runtime(pg: Server, name: str, database: str) -> Runtime:
    main, service_settings = SERVICES[name]
    url = await fresh_database(pg.address, database)
    runtime = Runtime(main.SPEC, service_settings.Settings(database_url=url))
    await runtime.migrate()
    return runtime


def service_process(name: str, url: str, port: int, extra: dict[str, str]) -> Process:
    prefix = name.upper()
    env = {
        f"{prefix}_DATABASE_URL": url,
        f"{prefix}_API_PORT": str(port),
        f"{prefix}_DEV_SIGNING_KEY_FILE": str(KEY_FILE),
        f"{prefix}_LOG_LEVEL": "WARNING",
        **{f"{prefix}_{k}": v for k, v in extra.items()},
    }
    return Process(python("-m", f"services.{name}.main"), f"http://127.0.0.1:{port}/ready", env)


async def given_proposals(base: str, count: int, runtime: Runtime) -> list[str]:
    people = [uuid.uuid4() for _ in range(50)]
    practitioner = bearer(Role.REGISTERED_PRACTITIONER, "LPT")
    for person_id in people:  # LPT assessed them: the relationship a proposal needs
        await given_related(runtime, person_id, "LPT")

    async def propose(client: httpx.AsyncClient, i: int) -> httpx.Response:
        body = given_proposal_body(people[i % len(people)])
        return await client.post("/proposals", json=body, headers=practitioner)

    ids: list[str] = []

    async def keep(client: httpx.AsyncClient, i: int) -> httpx.Response:
        response = await propose(client, i)
        ids.append(response.json()["id"])
        return response

    result = await load.closed_loop(base, keep, count, concurrency=8)
    assert result.errors == 0, "could not set up proposals"
    return ids


async def decision_endpoint(pg: Server, broker: Server, quick: bool = False) -> list[Row]:
    runtime = await migrated_runtime(pg, "delegation", "bench_decisions")
    port = BASE_PORT + 40
    base_url = await fresh_database(pg.address, "bench_baseline")
    mdt = bearer(Role.MDT_MEMBER, "LLR-ICB")
    decision = given_decision_body()
    with service_process("delegation", runtime.settings.database_url, port, {}):
        api = f"http://127.0.0.1:{port}"
        ids = await given_proposals(api, THROUGHPUT_REQUESTS + RATE * SECONDS, runtime)

        async def decide(client: httpx.AsyncClient, i: int) -> httpx.Response:
            return await client.post(f"/proposals/{ids[i]}/decision", json=decision, headers=mdt)

        decided = await load.closed_loop(api, decide, THROUGHPUT_REQUESTS)
        decided_at_rate = await load.open_loop(
            api, decide, RATE, SECONDS, offset=THROUGHPUT_REQUESTS
        )
    await runtime.close()
    with baseline(base_url):
        bare = f"http://127.0.0.1:{BASE_PORT}"

        async def insert(client: httpx.AsyncClient, i: int) -> httpx.Response:
            return await client.post("/rows", json={"text": f"row {i}"})

        await load.closed_loop(bare, insert, WARM_UP)
        inserted = await load.closed_loop(bare, insert, THROUGHPUT_REQUESTS)
        inserted_at_rate = await load.open_loop(bare, insert, RATE, SECONDS)
    errors = decided.errors + decided_at_rate.errors
    return [
        Row(
            f"MDT decision endpoint throughput ({errors} errors)",
            decided.throughput,
            "req/s",
            "bare FastAPI + PostgreSQL one-row insert",
            inserted.throughput,
            ">= 0.5 x baseline",
            decided.throughput >= inserted.throughput / 2,
        ),
        Row(
            f"MDT decision p50 at {RATE} req/s",
            decided_at_rate.p50,
            "ms",
            "bare insert p50",
            inserted_at_rate.p50,
        ),
        Row(
            f"MDT decision p99 at {RATE} req/s",
            decided_at_rate.p99,
            "ms",
            "bare insert p99",
            inserted_at_rate.p99,
            "< 20 ms",
            decided_at_rate.p99 < 20,
        ),
    ]


async def kafka_round_trip(broker: Server, rate: float, seconds: float) -> list[float]:
    """The floor: a record produced (acks=all) and consumed by a group member, no database."""
    topic = f"bench.rtt-{uuid.uuid4().hex[:6]}"
    await ensure_topics(broker.address, [topic])
    producer = AIOKafkaProducer(
        bootstrap_servers=broker.address, acks="all", enable_idempotence=True, linger_ms=5
    )
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=broker.address,
        group_id=topic,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await producer.start()
    await consumer.start()
    total, received = int(rate * seconds), list[float]()
    sent: dict[bytes, float] = {}

    async def produce() -> None:
        start = time.perf_counter()
        for i in range(total):
            await asyncio.sleep(max(0.0, start + i / rate - time.perf_counter()))
            key = str(i).encode()
            sent[key] = time.perf_counter()
            await producer.send(topic, b"x" * 500, key=key)

    async def consume() -> None:
        while len(received) < total:
            batches = await consumer.getmany(timeout_ms=200)
            now = time.perf_counter()
            for records in batches.values():
                received.extend((now - sent[r.key]) * 1000 for r in records if r.key in sent)

    await asyncio.gather(produce(), asyncio.wait_for(consume(), seconds + 60))
    await producer.stop()
    await consumer.stop()
    return received


async def commit_to_effect(pg: Server, broker: Server, quick: bool = False) -> list[Row]:
    """PersonRegistered: committed by the assessment API, applied by the delegation worker."""
    namespace = f"cte{uuid.uuid4().hex[:6]}."
    assessment = await migrated_runtime(pg, "assessment", "bench_cte_assessment")
    delegation = await migrated_runtime(pg, "delegation", "bench_cte_delegation")
    port = BASE_PORT + 41
    shared = {
        "KAFKA_BOOTSTRAP": broker.address,
        "TOPIC_NAMESPACE": namespace,
        "WORKER_PORT": str(port + 100),
    }
    api = service_process("assessment", assessment.settings.database_url, port, shared)
    relay = Process(
        python("-m", "services.assessment.worker"), f"http://127.0.0.1:{port + 100}/health", api.env
    )
    consumer_env = {
        "DELEGATION_DATABASE_URL": delegation.settings.database_url,
        "DELEGATION_KAFKA_BOOTSTRAP": broker.address,
        "DELEGATION_TOPIC_NAMESPACE": namespace,
        "DELEGATION_WORKER_PORT": str(port + 101),
        "DELEGATION_LOG_LEVEL": "WARNING",
    }
    consumer = Process(
        python("-m", "services.delegation.worker"),
        f"http://127.0.0.1:{port + 101}/health",
        consumer_env,
    )
    practitioner = bearer(Role.REGISTERED_PRACTITIONER, "LPT")

    async def register(client: httpx.AsyncClient, i: int) -> httpx.Response:
        body = given_person_body(setting=Setting.OWN_HOME.value)
        return await client.post("/people", json=body, headers=practitioner)

    rate, seconds = 50, 5 if quick else 10
    with api, relay, consumer:
        await asyncio.sleep(2)  # the consumer joins its group
        result = await load.open_loop(f"http://127.0.0.1:{port}", register, rate, seconds)
        latencies = await effect_latencies(assessment, delegation, rate * seconds - result.errors)
    floor = await kafka_round_trip(broker, rate, seconds)
    await assessment.close()
    await delegation.close()
    p99 = _p(latencies, 99)
    return [
        Row(
            f"commit -> effect in another service, p50 at {rate}/s",
            _p(latencies, 50),
            "ms",
            "Kafka produce -> consume p50",
            _p(floor, 50),
        ),
        Row(
            f"commit -> effect in another service, p99 at {rate}/s",
            p99,
            "ms",
            "Kafka produce -> consume p99",
            _p(floor, 99),
            "<= 100 ms",
            p99 <= 100,
        ),
    ]


async def effect_latencies(producer: Runtime, consumer: Runtime, expected: int) -> list[float]:
    kind = PersonRegistered.event_type()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        async with consumer.sessions() as session:
            applied = dict(
                (
                    await session.execute(
                        select(inbox.c.event_id, inbox.c.processed_at).where(inbox.c.type == kind)
                    )
                )
                .tuples()
                .all()
            )
        if len(applied) >= expected:
            break
        await asyncio.sleep(0.5)
    async with producer.sessions() as session:
        committed = dict(
            (
                await session.execute(
                    select(outbox.c.event_id, outbox.c.occurred_at).where(outbox.c.type == kind)
                )
            )
            .tuples()
            .all()
        )
    return [(applied[e] - committed[e]).total_seconds() * 1000 for e in committed if e in applied]


def _p(values: list[float], percentile: int) -> float:
    if not values:
        return float("nan")
    if percentile == 50:
        return statistics.median(values)
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * percentile / 100))]
