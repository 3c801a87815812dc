"""Where a race runs: one service on PostgreSQL, or the standalone platform on SQLite files."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from shared.auth import Role, dev_private_key, mint_token
from shared.service import ServiceSpec
from shared.settings import ServiceSettings
from shared.testing.events import published
from shared.testing.races import outbox_types_in
from tests.conftest import ServiceClient, bearer


@dataclass
class Target:
    """A service to race against: its client, tokens, and a count of its outbox by event type."""

    client: httpx.AsyncClient
    headers: Callable[[Role, str], dict[str, str]]
    events: Callable[[str], Awaitable[int]]


@asynccontextmanager
async def on_postgresql(
    service_client: ServiceClient, spec: ServiceSpec, **settings: Any
) -> AsyncIterator[tuple[Target, Any]]:
    """The service on its own PostgreSQL database, through ASGI; also yields its runtime."""
    async with service_client(spec, **settings) as (client, runtime):

        async def events(name: str) -> int:
            return sum(type(e).__name__ == name for e in await published(runtime))

        yield Target(client, bearer, events), runtime


@asynccontextmanager
async def on_standalone(platform: tuple[str, Path], service: str) -> AsyncIterator[Target]:
    """The service inside the standalone platform (SQLite files), over real HTTP."""
    base, data = platform
    key = dev_private_key(data / "dev-signing-key.pem")

    def headers(role: Role, organisation: str) -> dict[str, str]:
        token = mint_token(key, ServiceSettings(), role=role, organisation=organisation)
        return {"Authorization": f"Bearer {token}"}

    async def events(name: str) -> int:
        return outbox_types_in(data / f"{service}.db")[name]

    limits = httpx.Limits(max_connections=40)
    async with httpx.AsyncClient(base_url=f"{base}/{service}", timeout=60, limits=limits) as c:
        yield Target(c, headers, events)
