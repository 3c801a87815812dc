"""Fixtures for the operations tests: the things service on a fresh database, free ports."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from shared.clock import MovableClock
from shared.service import Runtime
from shared.testing.plugin import Databases
from tests.conftest import given_runtime
from tests.kernel import things


@pytest.fixture
async def things_runtime(
    databases: Databases, clock: MovableClock
) -> AsyncIterator[Callable[..., Runtime]]:
    """The kernel tests' things service on a fresh PostgreSQL database, with these settings."""
    url = await databases.fresh("things", things.create_tables)
    made: list[Runtime] = []

    def make(**settings: Any) -> Runtime:
        made.append(given_runtime(things.SPEC, url, clock, **settings))
        return made[-1]

    yield make
    for runtime in made:
        await runtime.close()
