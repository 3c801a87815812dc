"""What every benchmark section shares: a result row, fresh databases, settings."""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass
from typing import Any

import asyncpg

from shared.settings import Environment, ServiceSettings
from shared.testing.plugin import asyncpg_url


@dataclass(frozen=True)
class Row:
    figure: str
    value: float
    unit: str
    baseline: str
    baseline_value: float
    target: str = ""
    met: bool | None = None

    @property
    def ratio(self) -> float:
        return self.value / self.baseline_value if self.baseline_value else 0.0


async def fresh_database(server: str, name: str) -> str:
    """A new empty database; `BENCH_DB_SUFFIX` keeps two benches on one server apart."""
    name += os.environ.get("BENCH_DB_SUFFIX", "")
    connection = await asyncpg.connect(asyncpg_url(server, "postgres").replace("+asyncpg", ""))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return asyncpg_url(server, name)


def settings(url: str, bootstrap: str = "", **more: Any) -> ServiceSettings:
    return ServiceSettings(
        environment=Environment.TEST, database_url=url, kafka_bootstrap=bootstrap, **more
    )


def percentile(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    if p == 50:
        return statistics.median(values)
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]
