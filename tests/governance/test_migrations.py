"""The governance service's migrations build exactly its models, versions included."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData

from services.governance.main import SPEC as GOVERNANCE
from shared.clock import MovableClock
from shared.db import plumbing_metadata
from tests.conftest import ServiceClient, given_runtime


def differences(connection: Connection) -> list[Any]:
    expected = MetaData()
    for table in [*GOVERNANCE.metadata.tables.values(), *plumbing_metadata.tables.values()]:
        table.to_metadata(expected)
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [d for d in compare_metadata(context, expected) if "alembic_version" not in str(d)]


async def test_migrations_match_the_models_on_postgresql(service_client: ServiceClient) -> None:
    async with (
        service_client(GOVERNANCE) as (_client, runtime),
        runtime.engine.connect() as connection,
    ):
        found = await connection.run_sync(differences)
    assert found == []


async def test_migrations_match_the_models_on_sqlite(tmp_path: Path, clock: MovableClock) -> None:
    runtime = given_runtime(GOVERNANCE, f"sqlite+aiosqlite:///{tmp_path}/governance.db", clock)
    try:
        await runtime.migrate()
        async with runtime.engine.connect() as connection:
            found = await connection.run_sync(differences)
    finally:
        await runtime.close()
    assert found == []
