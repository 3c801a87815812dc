"""The hand-written migrations make exactly the tables the models describe, on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, MetaData, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from services.delegation.main import SPEC as DELEGATION
from services.delegation.models import Decision, Delegation
from shared import migrations
from shared.clock import MovableClock
from shared.db import JSONDocument, plumbing_metadata
from shared.testing.plugin import Databases
from tests.conftest import ServiceClient, given_runtime


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


PROPOSAL_ID, PERSON_ID, DELEGATION_ID = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def as_stored(name: str, row: dict[str, Any]) -> Any:
    """A table of the row's columns as an earlier revision made them (JSON where it is)."""
    json = {"record", "worker_ids"}
    return sa.table(name, *(sa.column(c, JSONDocument) if c in json else sa.column(c) for c in row))


async def given_rows_before_0009(connection: AsyncConnection) -> None:
    """A proposal the MDT approved and whose delegation then ended, as p003 stored them."""
    common = {
        "person_id": PERSON_ID,
        "task_code": "topical-cream",
        "category": "compromised_skin_integrity_and_wound_care",
        "direction": "health_to_social",
        "setting": "own_home",
        "practitioner_id": "nurse-1",
        "professional_body": "NMC",
        "registration_number": "12A3456E",
        "provider_organisation": "CAREWELL-HOMECARE",
        "frequency": "twice a day",
        "additional_minutes_per_week": 0,
        "contact_arrangements": "call the hub",
    }
    proposal = common | {"id": PROPOSAL_ID, "status": "approved", "submitted_on": date(2026, 1, 5)}
    await connection.execute(insert(as_stored("proposals", proposal)), [proposal])
    members = [
        {"discipline": "registered_nurse", "organisation": "LPT"},
        {"discipline": "social_worker", "organisation": "LEICESTER-CITY-COUNCIL"},
    ]
    decision = {
        "id": uuid.uuid4(),
        "proposal_id": PROPOSAL_ID,
        "source": "mdt",
        "outcome": "approved",
        "record": {"outcome": "approved", "members": members},
        "framework_version": 1,
        "decided_on": date(2026, 1, 5),
        "decided_by": "mdt-1",
    }
    await connection.execute(insert(as_stored("decisions", decision)), [decision])
    delegation = common | {
        "id": DELEGATION_ID,
        "proposal_id": PROPOSAL_ID,
        "status": "ended",
        "framework_version": 1,
        "nhs_duty_of_care_retained": True,
        "worker_ids": [],
        "regular_reviews_raised": 0,
        "created_at": datetime(2026, 1, 5, tzinfo=UTC),
        "ended_on": date(2026, 2, 1),
        "end_reason": "moved to Rutland",
    }
    await connection.execute(insert(as_stored("delegations", delegation)), [delegation])


async def test_0009_names_the_mdts_organisations_and_codes_earlier_reasons_other(
    databases: Databases, clock: MovableClock
) -> None:
    async def to_p003(url: str) -> None:
        runtime = given_runtime(DELEGATION, url, clock)
        await migrations.upgrade(runtime.engine, DELEGATION.migrations_dir, "p003")
        await runtime.close()

    url = await databases.fresh("delegation_before_0009", to_p003)
    runtime = given_runtime(DELEGATION, url, clock)
    try:
        async with runtime.engine.begin() as connection:
            await given_rows_before_0009(connection)
        await migrations.upgrade(runtime.engine, DELEGATION.migrations_dir)
        async with runtime.sessions() as session:
            delegation = await session.get_one(Delegation, DELEGATION_ID)
            decision = await session.scalar(select(Decision))
    finally:
        await runtime.close()
        databases.release(url)
    assert delegation.mdt_organisations == ["LEICESTER-CITY-COUNCIL", "LPT"]
    assert (delegation.end_reason_code, delegation.end_reason) == ("other", "moved to Rutland")
    assert decision is not None
    assert decision.organisations == ["LEICESTER-CITY-COUNCIL", "LPT"]
