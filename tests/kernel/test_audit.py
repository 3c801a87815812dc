"""Every change writes an audit row; the audit table refuses UPDATE and DELETE."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from services.governance.main import SPEC as GOVERNANCE
from shared.audit import audit_log
from shared.auth import Role
from tests.conftest import ServiceClient, bearer


async def test_a_change_writes_who_role_organisation_when_what_and_why(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        response = await client.post(
            "/framework-versions",
            json={"version": 2, "effective_from": "2027-04-01", "summary": "Adds new tasks"},
            headers=bearer(Role.IPCB_MEMBER, "RUTLAND-COUNTY-COUNCIL"),
        )
        async with runtime.sessions() as session:
            rows = (await session.execute(select(audit_log))).mappings().all()
    assert response.status_code == 201
    [row] = rows
    assert row["role"] == "ipcb_member"
    assert row["organisation"] == "RUTLAND-COUNTY-COUNCIL"
    assert row["action"] == "framework_version.publish"
    assert row["subject"] == "framework-version-2"
    assert row["reason"] == "Adds new tasks"
    assert row["at"] == runtime.clock.now()


@pytest.mark.parametrize("change", ["update", "delete"])
async def test_postgresql_refuses_to_change_or_remove_audit_rows(
    service_client: ServiceClient, change: str
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        await client.post(
            "/framework-versions",
            json={"version": 2, "effective_from": "2027-04-01", "summary": "v2"},
            headers=bearer(Role.IPCB_MEMBER),
        )
        statement = (
            update(audit_log).values(reason="rewritten")
            if change == "update"
            else delete(audit_log)
        )
        with pytest.raises(DBAPIError, match="append-only"):
            async with runtime.sessions() as session, session.begin():
                await session.execute(statement)
        async with runtime.sessions() as session:
            reasons = (await session.scalars(select(audit_log.c.reason))).all()
    assert reasons == ["v2"]
