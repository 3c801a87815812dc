"""The platform fixture: the journeys run once against each mode, processes started once."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from shared.testing.plugin import Databases
from shared.testing.servers import Server
from tests.journeys.platform import Platform, start_distributed, start_standalone


@pytest.fixture(scope="session", params=["distributed", "standalone"])
async def platform(
    request: pytest.FixtureRequest,
    databases: Databases,
    kafka_server: Server,
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[Platform]:
    """Every service in real processes; torn down (SIGTERM, then kill) after the mode's journeys."""
    mode: str = request.param
    workdir: Path = tmp_path_factory.mktemp(f"journeys-{mode}")
    if mode == "distributed":
        started = await start_distributed(databases, kafka_server.address, workdir)
    else:
        started = await start_standalone(workdir)
    try:
        yield started
    finally:
        await started.close()


@pytest.fixture(autouse=True)
def processes_survive(platform: Platform) -> Iterator[None]:
    """A journey fails loudly, with the process's last words, if a platform process died."""
    platform.assert_running()
    yield
    platform.assert_running()
