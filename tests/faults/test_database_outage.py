"""PostgreSQL unavailable for a moment: 503 problems, nothing half-written, recovery unaided."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from services.governance.main import SPEC as GOVERNANCE
from services.governance.models import FrameworkVersion
from shared.audit import audit_log
from shared.auth import Role
from shared.clock import MovableClock
from shared.outbox import outbox
from shared.service import Runtime
from shared.testing.plugin import Databases
from shared.web import create_app
from tests.conftest import bearer, given_client, given_runtime
from tests.faults.proxy import Proxy


@pytest.fixture
async def behind_proxy(
    databases: Databases, clock: MovableClock
) -> AsyncIterator[tuple[Proxy, Runtime, Runtime]]:
    """The governance service reaching its database through a proxy the test can cut."""

    async def migrate(url: str) -> None:
        runtime = given_runtime(GOVERNANCE, url, clock)
        await runtime.migrate()
        await runtime.close()

    url = make_url(await databases.fresh(GOVERNANCE.name, migrate))
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    through_proxy = url.set(port=proxy.port).render_as_string(hide_password=False)
    direct = given_runtime(GOVERNANCE, url.render_as_string(hide_password=False), clock)
    yield proxy, given_runtime(GOVERNANCE, through_proxy, clock), direct
    await direct.close()
    await proxy.stop()


def version(number: int) -> dict[str, object]:
    return {"version": number, "effective_from": f"20{26 + number}-01-01", "summary": f"v{number}"}


async def counts(runtime: Runtime) -> tuple[int, int, int]:
    found = []
    async with runtime.sessions() as session:
        for table in (FrameworkVersion.__table__, outbox, audit_log):
            found.append(int(await session.scalar(select(func.count()).select_from(table)) or 0))
    return found[0], found[1], found[2]


async def test_postgresql_unavailable_gives_503_problems_writes_nothing_and_recovers(
    behind_proxy: tuple[Proxy, Runtime, Runtime],
) -> None:
    proxy, runtime, direct = behind_proxy
    ipcb = bearer(Role.IPCB_MEMBER)
    async with given_client(create_app(runtime)) as client:
        before = await client.post("/framework-versions", json=version(2), headers=ipcb)
        proxy.cut()
        during = await client.post("/framework-versions", json=version(3), headers=ipcb)
        not_ready = await client.get("/ready")
        still_down = await client.get("/framework-versions", headers=ipcb)
        written_during_outage = await counts(direct)
        proxy.restore()
        after = await client.post("/framework-versions", json=version(3), headers=ipcb)
        ready = await client.get("/ready")

    assert before.status_code == 201
    for response in (during, not_ready, still_down):
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert "postgresql" not in response.text.lower()
    assert written_during_outage == (2, 1, 1)  # version 1 is seeded; only version 2 happened
    assert after.status_code == 201, after.text
    assert ready.status_code == 200
    assert await counts(direct) == (3, 2, 2)
