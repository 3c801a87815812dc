"""Races: fire N conflicting requests at once and count who won, on PostgreSQL or SQLite."""

from __future__ import annotations

import asyncio
import sqlite3
from collections import Counter
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

Call = Callable[[int], Awaitable[httpx.Response]]


async def race(call: Call, times: int = 20) -> list[httpx.Response]:
    """Start `times` calls together (call(i) builds the i-th request) and wait for all of them."""
    start = asyncio.Event()

    async def one(i: int) -> httpx.Response:
        await start.wait()
        return await call(i)

    tasks = [asyncio.create_task(one(i)) for i in range(times)]
    await asyncio.sleep(0)
    start.set()
    return list(await asyncio.gather(*tasks))


def assert_one_winner(responses: list[httpx.Response]) -> httpx.Response:
    """Exactly one 2xx; every other answer a 409 problem. Returns the winner."""
    statuses = Counter(r.status_code for r in responses)
    winners = [r for r in responses if r.is_success]
    losers = [r for r in responses if not r.is_success]
    assert len(winners) == 1, f"want one winner, got {dict(statuses)}"
    assert all(r.status_code == 409 for r in losers), f"losers must get 409: {dict(statuses)}"
    assert all(r.headers["content-type"].startswith("application/problem+json") for r in losers)
    return winners[0]


def outbox_types_in(database: Path) -> Counter[str]:
    """Event types in a standalone service's outbox (its SQLite file), by short name."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT type FROM outbox").fetchall()
    return Counter(short_type(row[0]) for row in rows)


def short_type(event_type: str) -> str:
    """'uk.nhs.llr.delegation.DelegationAccepted.v1' -> 'DelegationAccepted'."""
    parts = event_type.split(".")
    return parts[-2] if parts[-1].startswith("v") and parts[-1][1:].isdigit() else parts[-1]
