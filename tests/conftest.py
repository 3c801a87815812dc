"""Builders shared by every test: signing keys, tokens, and a service app on a real database."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient

from shared.auth import Role, TokenVerifier, generate_private_key_pem, mint_token, public_key_pem
from shared.clock import MovableClock
from shared.service import Runtime, ServiceSpec
from shared.settings import Environment, ServiceSettings
from shared.testing.plugin import Databases, repo_root
from shared.testing.servers import free_port
from shared.web import create_app

# Every organisation the tests name is in their register (R2); standalone processes inherit it.
os.environ["LLR_ORGANISATIONS_FILE"] = str(repo_root() / "tests" / "organisations.csv")

PRIVATE_KEY = generate_private_key_pem()
PUBLIC_KEY = public_key_pem(PRIVATE_KEY)
# Loaded once: loading the PEM checks the RSA key (about 0.1 s), and the suite mints thousands of
# tokens. PyJWT signs with a loaded key as it does with a PEM.
SIGNING_KEY = cast(bytes, serialization.load_pem_private_key(PRIVATE_KEY, password=None))
SETTINGS = ServiceSettings(environment=Environment.TEST, database_url="postgresql+asyncpg://x/y")


def token(role: Role, organisation: str = "LLR-ICB", **overrides: Any) -> str:
    return mint_token(SIGNING_KEY, SETTINGS, role=role, organisation=organisation, **overrides)


def bearer(role: Role, organisation: str = "LLR-ICB") -> dict[str, str]:
    return {"Authorization": f"Bearer {token(role, organisation)}"}


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock()


def given_runtime(
    spec: ServiceSpec, database_url: str, clock: MovableClock, **settings: Any
) -> Runtime:
    service_settings = spec.settings_type(
        environment=Environment.TEST, database_url=database_url, **settings
    )
    return Runtime(spec, service_settings, clock, TokenVerifier(service_settings, PUBLIC_KEY))


@asynccontextmanager
async def given_client(app: FastAPI) -> AsyncIterator[AsyncClient]:
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app, raise_app_exceptions=False)
        async with AsyncClient(transport=transport, base_url="http://test") as client:
            yield client


@asynccontextmanager
async def sqlite_client(
    spec: ServiceSpec, path: Path, clock: MovableClock, **settings: Any
) -> AsyncIterator[tuple[AsyncClient, Runtime]]:
    """The service as the standalone mode runs it: its API on a migrated SQLite file."""
    runtime = given_runtime(spec, f"sqlite+aiosqlite:///{path}", clock, **settings)
    await runtime.migrate()
    try:
        async with given_client(create_app(runtime)) as client:
            yield client, runtime
    finally:
        await runtime.close()


ServiceClient = Callable[..., Any]


@pytest.fixture
def service_client(databases: Databases, clock: MovableClock) -> ServiceClient:
    """`async with service_client(SPEC) as (client, runtime):` the service on its own database."""

    @asynccontextmanager
    async def make(
        spec: ServiceSpec, **settings: Any
    ) -> AsyncIterator[tuple[AsyncClient, Runtime]]:
        async def migrate(url: str) -> None:
            runtime = given_runtime(spec, url, clock)
            await runtime.migrate()
            await runtime.close()

        url = await databases.fresh(spec.name, migrate)
        runtime = given_runtime(spec, url, clock, **settings)
        try:
            async with given_client(create_app(runtime)) as client:
                yield client, runtime
        finally:
            await runtime.close()
            databases.release(url)

    return make


@pytest.fixture(scope="module")
def standalone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    data = tmp_path_factory.mktemp("standalone")
    port = free_port()
    # Its log goes to a file: a pipe nobody reads fills (64 KiB) and blocks the platform.
    log = data / "standalone.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "services.standalone", "--port", str(port), "--data", str(data)],
        cwd=repo_root(),
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # One client for every poll: each new one builds an SSL context (about 0.2 s).
        deadline = time.monotonic() + 120
        with httpx.Client(timeout=1) as poll:
            while True:
                try:
                    if poll.get(f"{base}/governance/health").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if process.poll() is not None:
                    raise AssertionError(log.read_text())
                if time.monotonic() > deadline:
                    raise AssertionError("the standalone platform did not answer in 120 s")
                time.sleep(0.1)
        yield base, data
    finally:
        process.terminate()
        process.wait(timeout=30)
