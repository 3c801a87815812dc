"""The hand-written migrations make the tables the models describe (PostgreSQL and SQLite), and
every route says what it does, who may call it and its problems."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData

from services.funding.main import SPEC as FUNDING
from services.funding.main import create_app
from services.funding.settings import Settings
from shared.clock import MovableClock
from shared.db import plumbing_metadata
from tests.conftest import ServiceClient, given_runtime

OPERATIONS = {"/health", "/ready", "/metrics", "/asyncapi.json"}


def differences(connection: Connection) -> list[Any]:
    expected = MetaData()
    for table in [*FUNDING.metadata.tables.values(), *plumbing_metadata.tables.values()]:
        table.to_metadata(expected)
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [d for d in compare_metadata(context, expected) if "alembic_version" not in str(d)]


async def test_migrations_match_the_models_on_postgresql(service_client: ServiceClient) -> None:
    async with (
        service_client(FUNDING) as (_client, runtime),
        runtime.engine.connect() as connection,
    ):
        found = await connection.run_sync(differences)
    assert found == []


async def test_migrations_run_on_sqlite_for_standalone_mode(tmp_path: Path) -> None:
    runtime = given_runtime(FUNDING, f"sqlite+aiosqlite:///{tmp_path}/funding.db", MovableClock())
    try:
        await runtime.migrate()
        async with runtime.engine.connect() as connection:
            found = await connection.run_sync(differences)
    finally:
        await runtime.close()
    assert found == []


def test_every_funding_route_has_a_summary_its_roles_and_its_problem_responses() -> None:
    paths = create_app(Settings()).openapi()["paths"]
    routes = [(p, m, op) for p, ops in paths.items() for m, op in ops.items()]
    assert len(routes) >= 15
    for path, method, operation in routes:
        assert operation.get("summary"), f"{method} {path} has no summary"
        if path not in OPERATIONS:
            assert operation.get("x-roles"), f"{method} {path} declares no roles"
            assert {"401", "403", "422"} <= operation["responses"].keys(), f"{method} {path}"


def test_providers_see_no_money_but_their_own_rates() -> None:
    paths = create_app(Settings()).openapi()["paths"]
    readable = {
        (p, m)
        for p, ops in paths.items()
        for m, op in ops.items()
        if "provider_manager" in op.get("x-roles", [])
    }
    assert readable == {("/rates", "get")}
    assert "csu_officer" in paths["/disputes"]["get"]["x-roles"]
    assert "text/csv" in paths["/statements.csv"]["get"]["responses"]["200"]["content"]
