"""The hand-written migrations make exactly the tables the models describe, on PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData

from services.delegation.main import SPEC as DELEGATION
from shared.db import plumbing_metadata
from tests.conftest import ServiceClient


def differences(connection: Connection) -> list[Any]:
    expected = MetaData()
    for table in [*DELEGATION.metadata.tables.values(), *plumbing_metadata.tables.values()]:
        table.to_metadata(expected)
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [d for d in compare_metadata(context, expected) if "alembic_version" not in str(d)]


async def test_migrations_match_the_models(service_client: ServiceClient) -> None:
    async with (
        service_client(DELEGATION) as (_client, runtime),
        runtime.engine.connect() as connection,
    ):
        found = await connection.run_sync(differences)
    assert found == []
