"""The assessment service's migrations build exactly its models; 0004 enumerates the kinds of
assessment already recorded (R6) and gives their health needs ids (R4); 0005 gives the people on
record their relationships."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData, insert, inspect, select

from services.assessment.main import SPEC as ASSESSMENT
from services.assessment.models import Assessment, Person, SupportPlanVersion
from shared import migrations
from shared.audit import audit_log
from shared.clock import MovableClock
from shared.db import plumbing_metadata
from shared.relationships import relationships
from tests.conftest import ServiceClient, given_runtime

AT = datetime(2026, 1, 2, 9, tzinfo=UTC)


# 0002 created two unique constraints unnamed; on SQLite they stay so (see 0004).
UNNAMED_ON_SQLITE = {("support_plan_versions", "person_id"), ("framework_uses", "measure")}


def differences(connection: Connection) -> list[Any]:
    expected = MetaData()
    for table in [*ASSESSMENT.metadata.tables.values(), *plumbing_metadata.tables.values()]:
        table.to_metadata(expected)
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return [
        d
        for d in compare_metadata(context, expected)
        if "alembic_version" not in str(d) and not unnamed_on_sqlite(connection, d)
    ]


def unnamed_on_sqlite(connection: Connection, difference: Any) -> bool:
    if connection.dialect.name != "sqlite" or difference[0] != "add_constraint":
        return False
    constraint = difference[1]
    first = next(iter(constraint.columns)).name
    return (constraint.table.name, first) in UNNAMED_ON_SQLITE


async def test_migrations_match_the_models_on_postgresql(service_client: ServiceClient) -> None:
    async with (
        service_client(ASSESSMENT) as (_client, runtime),
        runtime.engine.connect() as connection,
    ):
        found = await connection.run_sync(differences)
    assert found == []


async def test_migrations_match_the_models_on_sqlite(tmp_path: Path, clock: MovableClock) -> None:
    runtime = given_runtime(ASSESSMENT, f"sqlite+aiosqlite:///{tmp_path}/assessment.db", clock)
    try:
        await runtime.migrate()
        async with runtime.engine.connect() as connection:
            found = await connection.run_sync(differences)
    finally:
        await runtime.close()
    assert found == []


def person_row() -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "nhs_number": str(uuid.uuid4().int)[:10],
        "local_authority": "LEICESTER-CITY-COUNCIL",
        "gp_practice": "C82001",
        "setting": "own_home",
        "open_to_community_health_services": True,
        "registered_at": AT,
        "registered_by": "someone",
        "version": 1,
    }


def assessment_row(person_id: uuid.UUID, kind: str, hours: int) -> dict[str, Any]:
    need = {
        "need": "cream",
        "purpose": "treatment",
        "relates_to": "disease",
        "requires_health_professional": False,
    }
    return {
        "id": uuid.uuid4(),
        "person_id": person_id,
        "kind": kind,
        "assessed_by": "someone",
        "assessor_role": "registered_practitioner",
        "partner_organisation": "LPT",
        "assessed_on": date(2026, 1, 2),
        "recorded_at": AT + timedelta(hours=hours),
        "health_needs": [need],
        "social_care_needs": [],
        "eligibility": None,
        "follows_change_id": None,
        "superseded_by": None,
        "version": 1,
    }


async def test_r6_r4_the_upgrade_maps_spellings_keeps_one_current_of_a_kind_and_ids_needs(
    tmp_path: Path, clock: MovableClock
) -> None:
    runtime = given_runtime(ASSESSMENT, f"sqlite+aiosqlite:///{tmp_path}/assessment.db", clock)
    person = person_row()
    spelled = [
        assessment_row(person["id"], "care_act_needs", 0),
        assessment_row(person["id"], "Care-Act", 1),  # the bypass: a second current one
        assessment_row(person["id"], "district_nursing", 2),
    ]
    try:
        await migrations.upgrade(runtime.engine, ASSESSMENT.migrations_dir, "0003")
        async with runtime.engine.begin() as connection:
            await connection.execute(insert(Person), [person])
            await connection.execute(insert(Assessment), spelled)
        await migrations.upgrade(runtime.engine, ASSESSMENT.migrations_dir)
        async with runtime.engine.connect() as connection:
            found = {r.id: r for r in await connection.execute(select(Assessment.__table__))}
    finally:
        await runtime.close()
    first, second, nursing = (found[row["id"]] for row in spelled)
    assert (first.kind, second.kind, nursing.kind) == (
        "care_act_needs",
        "care_act_needs",
        "health_needs",
    )
    assert (first.superseded_by, second.superseded_by) == (second.id, None)
    assert all(uuid.UUID(r.health_needs[0]["need_id"]) for r in found.values())
    assert all(r.health_needs[0]["task_codes"] == [] for r in found.values())


async def test_r6_the_upgrade_stops_on_a_kind_it_cannot_map(
    tmp_path: Path, clock: MovableClock
) -> None:
    runtime = given_runtime(ASSESSMENT, f"sqlite+aiosqlite:///{tmp_path}/assessment.db", clock)
    person = person_row()
    try:
        await migrations.upgrade(runtime.engine, ASSESSMENT.migrations_dir, "0003")
        async with runtime.engine.begin() as connection:
            await connection.execute(insert(Person), [person])
            await connection.execute(
                insert(Assessment), [assessment_row(person["id"], "mystery", 0)]
            )
        with pytest.raises(RuntimeError, match="mystery"):
            await migrations.upgrade(runtime.engine, ASSESSMENT.migrations_dir)
    finally:
        await runtime.close()


def plan_row(
    person_id: uuid.UUID, version: int, on: date, *tasks: tuple[str, str]
) -> dict[str, Any]:
    return {
        "id": uuid.uuid4(),
        "plan_id": uuid.UUID(int=1),
        "person_id": person_id,
        "version": version,
        "visits_per_day": None,
        "minutes_per_visit": None,
        "days_per_week": None,
        "provider_organisation": None,
        "tasks": [
            {"delegation_id": d, "task_code": "cream", "provider_organisation": p} for d, p in tasks
        ],
        "consent_ids": [],
        "effective_from": on,
        "reason": "x",
        "created_at": AT,
        "created_by": "someone",
        "idempotency_key": None,
    }


async def test_0005_gives_the_people_on_record_their_relationships_and_drops_provider_access(
    tmp_path: Path, clock: MovableClock
) -> None:
    runtime = given_runtime(ASSESSMENT, f"sqlite+aiosqlite:///{tmp_path}/assessment.db", clock)
    person = person_row()
    assessed = assessment_row(person["id"], "care_act_needs", 0)
    ended, live = str(uuid.uuid4()), str(uuid.uuid4())
    plans = [
        plan_row(person["id"], 1, date(2026, 1, 5), (ended, "PROVIDER-A")),
        plan_row(person["id"], 2, date(2026, 1, 9), (ended, "PROVIDER-A"), (live, "PROVIDER-B")),
        plan_row(person["id"], 3, date(2026, 2, 1), (live, "PROVIDER-B")),
    ]
    registered = {
        "at": AT,
        "user_id": "someone",
        "role": "registered_practitioner",
        "organisation": "LPT",
        "action": "person.register",
        "subject": str(person["id"]),
    }
    try:
        await migrations.upgrade(runtime.engine, ASSESSMENT.migrations_dir, "p003")
        async with runtime.engine.begin() as connection:
            await connection.execute(insert(Person), [person])
            await connection.execute(insert(Assessment), [assessed])
            await connection.execute(insert(SupportPlanVersion), plans)
            await connection.execute(insert(audit_log), [registered])
        await migrations.upgrade(runtime.engine, ASSESSMENT.migrations_dir)
        async with runtime.engine.connect() as connection:
            found = (await connection.execute(select(relationships))).all()
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
    finally:
        await runtime.close()
    assert {(r.organisation, r.basis, r.source_id, r.since, r.until) for r in found} == {
        ("LPT", "registered", str(person["id"]), AT, None),
        ("LPT", "assessed", str(assessed["id"]), AT, None),
        ("PROVIDER-B", "provider", live, datetime(2026, 1, 9, tzinfo=UTC), None),
    }
    assert "provider_access" not in tables
