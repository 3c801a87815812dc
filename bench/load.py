"""A small HTTP load generator: closed loop for throughput, open loop for latency."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

Request = Callable[[httpx.AsyncClient, int], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    latencies_ms: list[float]
    errors: int

    @property
    def throughput(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))] if ordered else 0.0

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies_ms) if self.latencies_ms else 0.0

    @property
    def p99(self) -> float:
        return self.percentile(99)


async def _timed(client: httpx.AsyncClient, request: Request, i: int) -> tuple[float, bool]:
    started = time.perf_counter()
    try:
        ok = (await request(client, i)).status_code < 400
    except httpx.HTTPError:
        ok = False
    return (time.perf_counter() - started) * 1000, ok


def _client(base: str, concurrency: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(base_url=base, limits=limits, timeout=30)


async def closed_loop(base: str, request: Request, total: int, concurrency: int = 8) -> Result:
    """As fast as the server answers, `concurrency` requests in flight."""
    latencies: list[float] = []
    errors = 0
    counter = iter(range(total))

    async def user(client: httpx.AsyncClient) -> None:
        nonlocal errors
        for i in counter:
            ms, ok = await _timed(client, request, i)
            latencies.append(ms)
            errors += not ok

    async with _client(base, concurrency) as client:
        started = time.perf_counter()
        await asyncio.gather(*(user(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return Result(total, elapsed, latencies, errors)


async def open_loop(
    base: str, request: Request, rate: float, seconds: float, offset: int = 0
) -> Result:
    """Requests start on a fixed schedule whatever the server does (no coordinated omission)."""
    total = int(rate * seconds)
    results: list[tuple[float, bool]] = []

    async def one(client: httpx.AsyncClient, i: int, due: float) -> None:
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        started = time.perf_counter()
        try:
            ok = (await request(client, offset + i)).status_code < 400
        except httpx.HTTPError:  # counted as an error, not the end of the run
            ok = False
        # measured from when it was due, so a stalled server shows in the tail
        results.append(((time.perf_counter() - min(started, due)) * 1000, ok))

    async with _client(base, 64) as client:
        start = time.perf_counter()
        await asyncio.gather(*(one(client, i, start + i / rate) for i in range(total)))
        elapsed = time.perf_counter() - start
    return Result(total, elapsed, [ms for ms, _ in results], sum(not ok for _, ok in results))
