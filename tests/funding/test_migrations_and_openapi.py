"""The hand-written migrations make the tables the models describe (PostgreSQL and SQLite), and
every route says what it does, who may call it and its problems."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import (
    Column,
    Connection,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    insert,
    inspect,
    select,
)

from services.funding.main import SPEC as FUNDING
from services.funding.main import create_app
from services.funding.settings import Settings
from shared.clock import MovableClock
from shared.db import JSONDocument, UTCDateTime, create_engine, plumbing_metadata
from shared.migrations import config, upgrade
from shared.testing.plugin import Databases
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
        and not p.startswith("/fhir/")  # FHIR metadata and the register: no money in either
    }
    assert readable - {("/me", "get")} == {("/rates", "get")}  # /me: who the caller is
    assert "csu_officer" in paths["/disputes"]["get"]["x-roles"]
    assert "text/csv" in paths["/statements.csv"]["get"]["responses"]["200"]["content"]


def _table(name: str, *columns: str) -> Table:
    """A table as it was before 0005, with the columns given here (uuid and JSON typed)."""
    types: dict[str, Any] = {"id": Uuid, "delegation_id": Uuid, "person_id": Uuid}
    types |= {"package_id": Uuid, "parties": JSONDocument, "at": UTCDateTime}
    types |= {"recorded_at": UTCDateTime, "declared_at": UTCDateTime, "created_at": UTCDateTime}
    types |= {"effective_from": Date, "raised_on": Date, "hourly_rate_pence": Integer}
    return Table(name, MetaData(), *(Column(c, types.get(c, String)) for c in columns))


BEFORE_0005 = (
    _table(
        "rates",
        "id",
        "provider_organisation",
        "hourly_rate_pence",
        "effective_from",
        "recorded_by",
        "recorded_at",
    ),
    _table("audit_log", "at", "user_id", "role", "organisation", "action", "subject", "reason"),
    _table(
        "funding_gaps",
        "delegation_id",
        "person_id",
        "reason",
        "declared_by",
        "organisation",
        "declared_at",
    ),
    _table("joint_packages", "id", "person_id", "setting", "created_by", "created_at"),
    _table(
        "disputes",
        "id",
        "package_id",
        "person_id",
        "raised_by",
        "raised_by_user",
        "parties",
        "summary",
        "raised_on",
        "status",
    ),
)


def given_rows_before_0005(connection: Connection) -> None:
    """A rate whose audit row names its commissioner, one without, a gap and a dispute."""
    at = datetime(2026, 1, 5, 9, tzinfo=UTC)
    rates, audit, gaps, packages, disputes = BEFORE_0005
    rate = {"hourly_rate_pence": 2400, "effective_from": date(2026, 1, 1), "recorded_at": at}
    connection.execute(
        insert(rates),
        [
            rate | {"id": uuid4(), "provider_organisation": "PROVIDER-A", "recorded_by": "u1"},
            rate | {"id": uuid4(), "provider_organisation": "PROVIDER-B", "recorded_by": "u2"},
        ],
    )
    connection.execute(
        insert(audit).values(
            at=at,
            user_id="u1",
            role="finance_officer",
            organisation="LEICESTER-CITY-COUNCIL",
            action="rate.record",
            subject="PROVIDER-A",
            reason="2400p an hour from 2026-01-01",
        )
    )
    gap, package = uuid4(), uuid4()
    connection.execute(
        insert(gaps).values(
            delegation_id=gap,
            person_id=uuid4(),
            reason="no decision yet",
            declared_by="u3",
            organisation="LLR-ICB",
            declared_at=at,
        )
    )
    connection.execute(
        insert(packages).values(
            id=package, person_id=uuid4(), setting="own_home", created_by="LLR-ICB", created_at=at
        )
    )
    connection.execute(
        insert(disputes).values(
            id=uuid4(),
            package_id=package,
            person_id=uuid4(),
            raised_by="LLR-ICB",
            raised_by_user="u4",
            parties={"organisations": ["LLR-ICB"]},
            summary="the words the party typed",
            raised_on=date(2026, 1, 5),
            status="open",
        )
    )


def migrate(connection: Connection, revision: str, down: bool = False) -> None:
    cfg = config(FUNDING.migrations_dir)
    cfg.attributes["connection"] = connection
    (command.downgrade if down else command.upgrade)(cfg, revision)


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
async def test_0005_gives_each_rate_its_commissioner_and_keeps_the_partys_words_in_funding(
    dialect: str, tmp_path: Path, databases: Databases
) -> None:
    async def nothing(_url: str) -> None:
        return None

    url = (
        f"sqlite+aiosqlite:///{tmp_path / 'funding.db'}"
        if dialect == "sqlite"
        else await databases.fresh("funding_before_0005", nothing)
    )
    engine = create_engine(url)
    try:
        await upgrade(engine, FUNDING.migrations_dir, "p003")
        async with engine.begin() as connection:
            await connection.run_sync(given_rows_before_0005)
            await connection.run_sync(migrate, "head")
        async with engine.connect() as connection:
            rates = (await connection.execute(select(FUNDING.metadata.tables["rates"]))).all()
            disputes = (await connection.execute(select(FUNDING.metadata.tables["disputes"]))).all()
            key = await connection.run_sync(
                lambda c: inspect(c).get_pk_constraint("funding_gaps")["constrained_columns"]
            )
        async with engine.begin() as connection:
            await connection.run_sync(migrate, "p003", True)
            summaries = (await connection.exec_driver_sql("SELECT summary FROM disputes")).all()
    finally:
        await engine.dispose()
    assert sorted((r.provider_organisation, r.commissioner) for r in rates) == [
        ("PROVIDER-A", "LEICESTER-CITY-COUNCIL"),
        ("PROVIDER-B", "unknown"),  # no audit row names one: it is no commissioner's rate
    ]
    assert [(d.reason_code, d.note) for d in disputes] == [("other", "the words the party typed")]
    assert sorted(key) == ["delegation_id", "organisation"]
    assert [s for (s,) in summaries] == ["the words the party typed"]
