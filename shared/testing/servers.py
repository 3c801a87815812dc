"""Real PostgreSQL and Kafka for tests: from the environment, testcontainers, or local scripts."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

LOCAL = Path(__file__).resolve().parents[2] / "deploy" / "local"
BASH = shutil.which("bash") or "/bin/bash"


@dataclass
class Server:
    """A running server and, where this run started it, how to stop and start it again."""

    address: str
    stop: Callable[[], None] | None = None
    start: Callable[[], None] | None = None
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    @property
    def controllable(self) -> bool:
        return self.stop is not None and self.start is not None


def _script(name: str, *args: str, timeout: float = 900) -> str:
    done = subprocess.run(  # noqa: S603
        [BASH, str(LOCAL / name), *args], capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        raise RuntimeError(f"{name} {' '.join(args)} failed:\n{done.stderr[-4000:]}")
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def _docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=3).ping()
        return True
    except Exception:
        return False


def _local(script: str) -> Server:
    was_running = (
        subprocess.run(  # noqa: S603
            [BASH, str(LOCAL / script), "status"], capture_output=True, timeout=30
        ).returncode
        == 0
    )
    address = _script(script, "start")

    def start() -> None:
        _script(script, "start")

    def stop() -> None:
        _script(script, "stop", timeout=120)

    server = Server(address, stop=stop, start=start)
    # Leave a server this run did not start as it found it; LLR_KEEP_SERVERS keeps ours running
    # for the next run (several developers' suites may share one machine's servers).
    if not was_running and not os.environ.get("LLR_KEEP_SERVERS"):
        server.cleanups.append(stop)
    return server


def postgres() -> Server:
    if url := os.environ.get("LLR_TEST_DATABASE_URL"):
        return Server(url)
    if _docker_answers():
        from testcontainers.postgres import PostgresContainer

        container = PostgresContainer("postgres:16-alpine", driver=None).start()
        server = Server(container.get_connection_url())
        server.cleanups.append(container.stop)
        return server
    return _local("postgres.sh")


def kafka() -> Server:
    if bootstrap := os.environ.get("LLR_TEST_KAFKA_BOOTSTRAP"):
        return Server(bootstrap)
    if _docker_answers():
        from testcontainers.kafka import KafkaContainer

        container = KafkaContainer().with_kraft().start()
        server = Server(container.get_bootstrap_server())
        server.cleanups.append(container.stop)
        return server
    return _local("kafka.sh")


@contextlib.contextmanager
def running(make: Callable[[], Server]) -> Iterator[Server]:
    server = make()
    try:
        yield server
    finally:
        for cleanup in server.cleanups:
            cleanup()
