"""The whole platform in real processes, distributed or standalone, for the journeys (issue 9).

Distributed: per service a fresh PostgreSQL database (migrated from a template) and two processes,
`python -m services.<name>.main` and `python -m services.<name>.worker`, on real Kafka with a
topic namespace and consumer groups of this run's own. Standalone: one `python -m
services.standalone` process on SQLite files in a temporary directory, events in-process.

Both modes share one clock file (`OffsetFileClock`) and one development signing key, so a journey
mints its own tokens and moves every process's time at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx

from services.assessment import main as assessment
from services.delegation import main as delegation
from services.funding import main as funding
from services.governance import main as governance
from services.training import main as training
from shared.auth import Role, dev_private_key, mint_token
from shared.clock import OffsetFileClock
from shared.service import Runtime, ServiceSpec
from shared.settings import ServiceSettings
from shared.testing.plugin import Databases, eventually, repo_root
from shared.testing.servers import free_port

T = TypeVar("T")
SPECS: dict[str, ServiceSpec] = {
    m.SPEC.name: m.SPEC for m in (assessment, delegation, training, funding, governance)
}
NAMES = list(SPECS)
ROOT = repo_root()
START_SECONDS = 90.0
STOP_SECONDS = 10.0


def _clean_environment() -> dict[str, str]:
    """The test process's environment without any service's own settings."""
    prefixes = tuple(f"{name.upper()}_" for name in NAMES)
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    env["PYTHONPATH"] = str(ROOT)
    return env


@dataclass
class Process:
    """One server process this harness started; its output goes to a log file."""

    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    popen: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("wb") as out:
            self.popen = subprocess.Popen(
                self.args, cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT
            )

    def exited(self) -> int | None:
        return None if self.popen is None else self.popen.poll()

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        """SIGTERM, then kill: only this process, by its own id."""
        if self.popen is None or self.popen.poll() is not None:
            return
        self.popen.send_signal(signal.SIGTERM)
        try:
            self.popen.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait(timeout=STOP_SECONDS)


@dataclass
class Platform:
    """What a journey sees: each service's base URL, tokens, the clock, and waiting for effects."""

    mode: str
    urls: dict[str, str]
    key_file: Path
    clock_file: Path
    processes: list[Process] = field(default_factory=list)
    _clients: dict[str, httpx.AsyncClient] = field(default_factory=dict)

    def client(self, name: str) -> httpx.AsyncClient:
        """A client of one service's API, kept for the platform's life."""
        if name not in self._clients:
            # Idle connections are let go before uvicorn closes them (after 5 s): a connection
            # the server is closing just as it is reused fails with ReadError on a busy machine.
            self._clients[name] = httpx.AsyncClient(
                base_url=self.urls[name], timeout=15, limits=httpx.Limits(keepalive_expiry=2)
            )
        return self._clients[name]

    def token(self, role: Role, organisation: str) -> str:
        return mint_token(
            dev_private_key(self.key_file),
            ServiceSettings(),
            role=role,
            organisation=organisation,
            lifetime_seconds=3600,
        )

    def auth(self, role: Role, organisation: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(role, organisation)}"}

    @property
    def clock(self) -> OffsetFileClock:
        return OffsetFileClock(self.clock_file)

    def move_clock(self, by: timedelta) -> None:
        """Every process of this platform sees the new time on its next reading."""
        self.clock.move(by)

    def today(self) -> date:
        """The platform's today (the services' clock, moved or not)."""
        return self.clock.now().date()

    async def eventually(self, check: Callable[[], Awaitable[bool]], seconds: float = 30) -> None:
        await eventually(check, seconds=seconds, every=0.05)

    async def until(
        self, fetch: Callable[[], Awaitable[T]], ok: Callable[[T], bool], seconds: float = 30
    ) -> T:
        """Fetch until `ok` holds (bounded); the last value seen is in the failure message."""
        seen: list[T] = []

        async def check() -> bool:
            value = await fetch()
            seen[:] = [value]
            return ok(value)

        try:
            await eventually(check, seconds=seconds, every=0.05)
        except AssertionError as exc:
            last = seen[-1] if seen else None
            raise AssertionError(f"{exc}; last seen: {last!r}{self.dead_report()}") from None
        return seen[-1]

    def dead_report(self) -> str:
        """What any process that died said last (empty while all run)."""
        dead = [p for p in self.processes if p.exited() is not None]
        return "".join(f"\n{p.name} exited {p.exited()}:\n{p.tail()}" for p in dead)

    def assert_running(self) -> None:
        if report := self.dead_report():
            raise RuntimeError(f"a platform process died:{report}")

    async def wait_until_up(self, health: list[tuple[Process | None, str]]) -> None:
        """Every URL answers 200 (bounded); a process that dies fails at once with its log."""
        deadline = time.monotonic() + START_SECONDS
        async with httpx.AsyncClient(timeout=2) as client:
            for process, url in health:
                while True:
                    self.assert_running()
                    with contextlib.suppress(httpx.HTTPError):
                        if (await client.get(url)).status_code == 200:
                            break
                    if time.monotonic() > deadline:
                        where = process.tail() if process else ""
                        raise TimeoutError(f"{url} did not answer in {START_SECONDS}s\n{where}")
                    await asyncio.sleep(0.1)

    async def close(self) -> None:
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()
        for process in self.processes:
            process.stop()


def _common(clock_file: Path, scheduler_seconds: float = 0.3) -> dict[str, str]:
    settings: dict[str, str] = {}
    for name in NAMES:
        prefix = name.upper()
        settings[f"{prefix}_CLOCK_OFFSET_FILE"] = str(clock_file)
        settings[f"{prefix}_SCHEDULER_INTERVAL_SECONDS"] = str(scheduler_seconds)
        settings[f"{prefix}_RELAY_INTERVAL_SECONDS"] = "0.02"
        settings[f"{prefix}_LOG_LEVEL"] = "WARNING"
    return settings


async def _migrated(databases: Databases, name: str) -> str:
    spec = SPECS[name]

    async def migrate(url: str) -> None:
        runtime = Runtime(spec, spec.settings_type(database_url=url))
        try:
            await runtime.migrate()
        finally:
            await runtime.close()

    return await databases.fresh(f"j_{name}", migrate)


async def start_distributed(databases: Databases, kafka: str, workdir: Path) -> Platform:
    """Five APIs and five workers on their own databases, real Kafka, one clock and key."""
    run = uuid.uuid4().hex[:10]
    key_file, clock_file = workdir / "dev-signing-key.pem", workdir / "clock-offset"
    dev_private_key(key_file)
    clock_file.write_text("0")
    urls = [await _migrated(databases, name) for name in NAMES]  # Alembic runs one at a time
    env = _clean_environment() | _common(clock_file)
    platform = Platform("distributed", {}, key_file, clock_file)
    health: list[tuple[Process | None, str]] = []
    for name, database_url in zip(NAMES, urls, strict=True):
        prefix = name.upper()
        api_port, worker_port = free_port(), free_port()
        settings = {
            f"{prefix}_DATABASE_URL": database_url,
            f"{prefix}_KAFKA_BOOTSTRAP": kafka,
            f"{prefix}_TOPIC_NAMESPACE": f"j{run}.",
            f"{prefix}_CONSUMER_GROUP": f"j{run}-{name}",
            f"{prefix}_API_PORT": str(api_port),
            f"{prefix}_WORKER_PORT": str(worker_port),
            f"{prefix}_DEV_SIGNING_KEY_FILE": str(key_file),
        }
        for role, port, path in (("main", api_port, "ready"), ("worker", worker_port, "health")):
            process = Process(
                f"{name}.{role}",
                [sys.executable, "-m", f"services.{name}.{role}"],
                env | settings,
                workdir / f"{name}.{role}.log",
            )
            platform.processes.append(process)
            health.append((process, f"http://127.0.0.1:{port}/{path}"))
        platform.urls[name] = f"http://127.0.0.1:{api_port}"
    for process in platform.processes:
        process.start()
    try:
        await platform.wait_until_up(health)
    except BaseException:
        await platform.close()
        raise
    return platform


async def start_standalone(workdir: Path) -> Platform:
    """The five services in one process on SQLite files, events carried in-process."""
    data, clock_file = workdir / "data", workdir / "clock-offset"
    dev_private_key(data / "dev-signing-key.pem")  # made before the server reads it
    clock_file.write_text("0")
    port = free_port()
    process = Process(
        "standalone",
        [sys.executable, "-m", "services.standalone", "--port", str(port), "--data", str(data)],
        _clean_environment() | _common(clock_file),
        workdir / "standalone.log",
    )
    base = f"http://127.0.0.1:{port}"
    platform = Platform(
        "standalone",
        {name: f"{base}/{name}" for name in NAMES},
        data / "dev-signing-key.pem",
        clock_file,
        [process],
    )
    process.start()
    try:
        await platform.wait_until_up([(process, f"{base}/{name}/ready") for name in NAMES])
    except BaseException:
        await platform.close()
        raise
    return platform


def problem(response: httpx.Response) -> dict[str, Any]:
    """An RFC 9457 problem body, checked to be one."""
    assert response.headers["content-type"].startswith("application/problem+json"), response.text
    body: dict[str, Any] = response.json()
    return body
