"""Every service's migrations make the plumbing tables exactly as the live code describes them,
from a frozen revision 0001 (never from the live metadata), on PostgreSQL and on SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, Connection, Integer, Table, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from services import registry
from shared.db import create_engine, plumbing_metadata
from shared.migrations import config, upgrade
from shared.testing.plugin import Databases

NAMES = registry.names()


def plumbing_differences(connection: Connection) -> list[Any]:
    plumbing = set(plumbing_metadata.tables)

    def only_plumbing(name: str | None, type_: str, _parents: Any) -> bool:
        return type_ != "table" or name in plumbing

    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "include_name": only_plumbing}
    )
    return list(compare_metadata(context, plumbing_metadata))


@pytest.fixture
async def sqlite_head(tmp_path: Path, request: pytest.FixtureRequest) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'head.db'}")
    await upgrade(engine, registry.by_name()[request.param].spec.migrations_dir)
    yield engine
    await engine.dispose()


@pytest.fixture
async def postgres_head(
    databases: Databases, request: pytest.FixtureRequest
) -> AsyncIterator[AsyncEngine]:
    spec = registry.by_name()[request.param].spec

    async def migrate(url: str) -> None:
        engine = create_engine(url)
        await upgrade(engine, spec.migrations_dir)
        await engine.dispose()

    # Its own template: the service's tests share theirs, migrated and seeded (the register).
    engine = create_engine(await databases.fresh(f"{spec.name}_plumbing", migrate))
    yield engine
    await engine.dispose()


@pytest.mark.parametrize("sqlite_head", NAMES, indirect=True)
async def test_sqlite_migrated_to_head_has_the_live_plumbing_tables(
    sqlite_head: AsyncEngine,
) -> None:
    async with sqlite_head.connect() as connection:
        assert await connection.run_sync(plumbing_differences) == []


@pytest.mark.parametrize("postgres_head", NAMES, indirect=True)
async def test_postgresql_migrated_to_head_has_the_live_plumbing_tables(
    postgres_head: AsyncEngine,
) -> None:
    async with postgres_head.connect() as connection:
        assert await connection.run_sync(plumbing_differences) == []


@pytest.mark.parametrize("postgres_head", ["governance"], indirect=True)
async def test_the_migrated_audit_log_refuses_update_and_delete_on_postgresql(
    postgres_head: AsyncEngine,
) -> None:
    await assert_append_only(postgres_head)


@pytest.mark.parametrize("sqlite_head", ["governance"], indirect=True)
async def test_the_migrated_audit_log_refuses_update_and_delete_on_sqlite(
    sqlite_head: AsyncEngine,
) -> None:
    await assert_append_only(sqlite_head)


async def assert_append_only(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO audit_log (at, user_id, role, organisation, action, subject) "
                "VALUES (CURRENT_TIMESTAMP, 'u', 'auditor', 'LLR-ICB', 'probe', 's')"
            )
        )
    for statement in ["UPDATE audit_log SET reason = 'changed'", "DELETE FROM audit_log"]:
        with pytest.raises(DBAPIError, match="append-only"):
            async with engine.begin() as connection:
                await connection.execute(text(statement))


async def test_revision_0001_is_frozen_a_table_added_to_the_live_metadata_is_not_made(
    tmp_path: Path,
) -> None:
    probe = Table("zz_probe", plumbing_metadata, Column("id", Integer, primary_key=True))
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'frozen.db'}")
    try:
        await upgrade(engine, registry.SERVICES[0].spec.migrations_dir)
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
            found = await connection.run_sync(plumbing_differences)
    finally:
        plumbing_metadata.remove(probe)
        await engine.dispose()
    assert {"outbox", "inbox", "dead_letters", "audit_log"} <= set(tables)
    assert "zz_probe" not in tables
    assert [d[0] for d in found] == ["add_table"]  # what a new revision would have to add


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql"])
async def test_revision_0001_downgrades_to_an_empty_database(
    dialect: str, tmp_path: Path, databases: Databases
) -> None:
    async def nothing(_url: str) -> None:
        return None

    url = (
        f"sqlite+aiosqlite:///{tmp_path / 'down.db'}"
        if dialect == "sqlite"
        else await databases.fresh("empty", nothing)
    )
    engine = create_engine(url)
    migrations_dir = registry.SERVICES[0].spec.migrations_dir
    await upgrade(engine, migrations_dir, "0001")

    def downgrade(connection: Connection) -> list[str]:
        cfg = config(migrations_dir)
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "base")
        return [t for t in inspect(connection).get_table_names() if t != "alembic_version"]

    async with engine.begin() as connection:
        left = await connection.run_sync(downgrade)
    await engine.dispose()
    assert left == []
