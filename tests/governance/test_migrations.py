"""The governance service's migrations build exactly its models, versions included."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData, Uuid, bindparam, text

from services.governance.main import SPEC as GOVERNANCE
from services.governance.models import CaseExample, DisputeCase
from shared import migrations, organisations
from shared.clock import MovableClock
from shared.db import plumbing_metadata
from shared.service import Runtime
from shared.testing.plugin import Databases
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


# --- revision 0006 on a database that already holds precedents and dispute cases -------------

NAMED = "Jo Bloggs 943 476 5919"
CASE_ID, EXAMPLE_ID = uuid.uuid4(), uuid.uuid4()


async def given_old_rows(runtime: Runtime) -> None:
    """A case example and a dispute case as revision p003 kept them, each with free text."""
    history = json.dumps(
        [{"stage": "raised", "at": "2026-01-05T09:00:00+00:00", "by": "system", "note": NAMED}]
    )
    async with runtime.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO case_examples (case_example_id, task_code, category, direction, "
                "setting, question, positions, decision, conditions, rationale, circumstances, "
                "disciplines, decided_on) VALUES (:id, 'T', 'c', 'health_to_social', 'own_home', "
                ":named, :listed, 'delegate', :listed, :named, :named, '[]', '2026-01-05')"
            ).bindparams(bindparam("id", type_=Uuid)),
            {"id": EXAMPLE_ID, "named": NAMED, "listed": json.dumps([NAMED])},
        )
        await connection.execute(
            text(
                "INSERT INTO dispute_cases (case_id, dispute_id, package_id, person_id, raised_by,"
                " parties, summary, raised_on, opened_at, stage, stage_history, version) VALUES "
                "(:id, :id, :id, :id, 'LLR-ICB', '[\"LLR-ICB\"]', :named, '2026-01-05', "
                "'2026-01-05 09:00:00+00', 'raised', :history, 1)"
            ).bindparams(bindparam("id", type_=Uuid)),
            {"id": CASE_ID, "named": NAMED, "history": history},
        )


async def given_register_as_at_p003(runtime: Runtime) -> None:
    """The register's columns as p003 made them (p004 adds the national ODS code)."""
    rows = [
        {"ods_code": o.ods_code, "name": o.name, "kind": o.kind.value, "ipcb_member": o.ipcb_member}
        for o in organisations.read_seed(runtime.settings.organisations_file)
    ]
    async with runtime.engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO organisations (ods_code, name, kind, ipcb_member) "
                "VALUES (:ods_code, :name, :kind, :ipcb_member)"
            ),
            rows,
        )


async def migrated_from_p003(runtime: Runtime) -> list[str]:
    await migrations.upgrade(runtime.engine, GOVERNANCE.migrations_dir, "p003")
    await given_register_as_at_p003(runtime)
    await given_old_rows(runtime)
    await runtime.migrate()
    async with runtime.sessions() as session:
        example = await session.get(CaseExample, EXAMPLE_ID)
        case = await session.get(DisputeCase, CASE_ID)
    assert example is not None
    assert case is not None
    assert (example.summary, case.held_by) == (None, "MLCSU")
    return [str(vars(example)), str(vars(case))]


async def test_revision_0006_drops_free_text_from_published_precedents_and_cases_on_postgresql(
    databases: Databases, clock: MovableClock
) -> None:
    async def nothing(url: str) -> None:
        return None

    url = await databases.fresh("governance_empty", nothing)
    runtime = given_runtime(GOVERNANCE, url, clock)
    try:
        kept = await migrated_from_p003(runtime)
    finally:
        await runtime.close()
        databases.release(url)
    assert not [row for row in kept if "Jo Bloggs" in row]


async def test_revision_0006_drops_free_text_from_published_precedents_and_cases_on_sqlite(
    tmp_path: Path, clock: MovableClock
) -> None:
    runtime = given_runtime(GOVERNANCE, f"sqlite+aiosqlite:///{tmp_path}/governance.db", clock)
    try:
        kept = await migrated_from_p003(runtime)
    finally:
        await runtime.close()
    assert not [row for row in kept if "Jo Bloggs" in row]
