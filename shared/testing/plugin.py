"""Pytest plugin: real servers, a database per test from a migrated template, own topics."""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from shared.testing.servers import Server, kafka, own_kafka, postgres, running
from shared.transport import ensure_topics

SERVERS = {"LLR_TEST_DATABASE_URL": postgres, "LLR_TEST_KAFKA_BOOTSTRAP": kafka}


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist (`-n N`) the controller starts the servers once, before its workers, and
    names them in the environment the workers inherit; it stops what it started at the end."""
    parallel = bool(config.getoption("numprocesses", default=None))
    if not parallel or hasattr(config, "workerinput"):
        return
    servers = contextlib.ExitStack()
    config.add_cleanup(servers.close)
    for variable, make in SERVERS.items():
        os.environ[variable] = servers.enter_context(running(make)).address


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Server]:
    with running(postgres) as server:
        yield server


@pytest.fixture(scope="session")
def kafka_server() -> Iterator[Server]:
    with running(kafka) as server:
        yield server


def asyncpg_url(url: str, database: str) -> str:
    return (
        make_url(url)
        .set(drivername="postgresql+asyncpg", database=database)
        .render_as_string(hide_password=False)
    )


def _dsn(url: str, database: str = "postgres") -> str:
    return (
        make_url(url)
        .set(drivername="postgresql", database=database)
        .render_as_string(hide_password=False)
    )


async def _admin(url: str, *statements: str) -> None:
    connection = await asyncpg.connect(_dsn(url))
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


Prepare = Callable[[str], Awaitable[None]]


class Databases:
    """Templates migrated once per session; each test gets its own copy (CREATE ... TEMPLATE)."""

    def __init__(self, server_url: str) -> None:
        self.server_url = server_url
        self.templates: set[str] = set()
        self.run = uuid.uuid4().hex[:6]
        self._released: list[str] = []
        self._dropper: asyncio.Task[None] | None = None

    async def fresh(self, name: str, prepare: Prepare) -> str:
        template = f"tpl_{self.run}_{name}"
        if template not in self.templates:
            await _admin(
                self.server_url,
                f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)',
                f'CREATE DATABASE "{template}"',
            )
            await prepare(asyncpg_url(self.server_url, template))
            self.templates.add(template)
        database = f"t_{self.run}_{name}_{uuid.uuid4().hex[:8]}"
        # FILE_COPY (PostgreSQL 15+): a small template is copied faster as files than logged
        # block by block, and the test servers run without fsync, so its checkpoint is cheap.
        await _admin(
            self.server_url,
            f'CREATE DATABASE "{database}" TEMPLATE "{template}" STRATEGY FILE_COPY',
        )
        return asyncpg_url(self.server_url, database)

    def release(self, url: str) -> None:
        """A test is done with its database: it is dropped in the background while the next
        tests run, instead of all at the session's end (about a minute on 2 cores)."""
        name = make_url(url).database
        if name is None or not name.startswith(f"t_{self.run}_"):
            raise ValueError(f"not a database this run made: {url}")
        self._released.append(name)
        if self._dropper is None or self._dropper.done():
            self._dropper = asyncio.get_running_loop().create_task(self._drop_released())

    async def _drop_released(self) -> None:
        """Best effort: what it cannot drop now, `drop_all` drops at the session's end."""
        try:
            connection = await asyncpg.connect(_dsn(self.server_url))
        except (OSError, asyncpg.PostgresError, TimeoutError):
            return
        try:
            while self._released:
                name = self._released.pop()
                await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        except (OSError, asyncpg.PostgresError, TimeoutError):
            return
        finally:
            await connection.close()

    async def drop_all(self) -> None:
        if self._dropper is not None:
            await self._dropper
        connection = await asyncpg.connect(_dsn(self.server_url))
        try:
            names = await connection.fetch(
                "SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2",
                f"t_{self.run}_%",
                f"tpl_{self.run}_%",
            )
            for row in names:
                await connection.execute(f'DROP DATABASE IF EXISTS "{row[0]}" WITH (FORCE)')
        finally:
            await connection.close()


@pytest.fixture(scope="session")
async def databases(postgres_server: Server) -> AsyncIterator[Databases]:
    made = Databases(postgres_server.address)
    yield made
    await made.drop_all()


@pytest.fixture(scope="session")
def stoppable_kafka(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A broker of this run's own for the tests that stop and start Kafka: the suite's broker stays
    up for every other test running beside them."""
    with own_kafka(tmp_path_factory.mktemp("stoppable-kafka")) as server:
        yield server


@pytest.fixture
def topic_namespace() -> str:
    """Each test has topics of its own, so that no test sees another's events."""
    return f"t{uuid.uuid4().hex[:10]}."


MakeTopics = Callable[[list[str]], Awaitable[None]]


@pytest.fixture
def make_topics(kafka_server: Server, topic_namespace: str) -> MakeTopics:
    async def make(topics: list[str]) -> None:
        await ensure_topics(kafka_server.address, [topic_namespace + t for t in topics])

    return make


async def eventually(
    check: Callable[[], Awaitable[bool]], *, seconds: float = 30, every: float = 0.05
) -> None:
    """Wait, bounded, for an asynchronous effect; fail with the deadline if it never comes."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not await check():
        if loop.time() > deadline:
            raise AssertionError(f"not true within {seconds}s")
        await asyncio.sleep(every)


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]
