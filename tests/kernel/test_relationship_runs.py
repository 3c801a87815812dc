"""RelationshipChanged is applied a run at a time (one statement): the same rows as one by one."""

from __future__ import annotations

import uuid
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from services.funding.main import SPEC as FUNDING
from shared.clock import MovableClock
from shared.events.vocabulary import RelationshipBasis
from shared.relationships import relationship, relationships
from shared.service import Runtime
from shared.testing.events import message_for
from tests.conftest import ServiceClient, sqlite_client

SINCE = datetime(2026, 1, 5, tzinfo=UTC)
UNTIL = datetime(2026, 3, 1, tzinfo=UTC)


def changes() -> list[Any]:
    """Two people; the first's provider relationship starts and ends in the same run."""
    first, second = uuid.UUID(int=1), uuid.UUID(int=2)
    B = RelationshipBasis
    return [
        relationship(first, "LLR-ICB", B.MDT, "p1", SINCE),
        relationship(first, "CARE-CO", B.PROVIDER, "d1", SINCE),
        relationship(second, "LPT", B.OVERSIGHT, "d2", SINCE),
        relationship(first, "CARE-CO", B.PROVIDER, "d1", SINCE, UNTIL),  # the same row, ended
        relationship(second, "LPT", B.OVERSIGHT, "d2", SINCE),  # redelivered as a new event
    ]


async def kept(runtime: Runtime) -> list[tuple[Any, ...]]:
    async with runtime.sessions() as session:
        rows = await session.execute(select(relationships).order_by(*relationships.primary_key))
        return [tuple(r) for r in rows]


@pytest.fixture(params=["postgresql", "sqlite"])
def on_database(
    request: pytest.FixtureRequest,
    service_client: ServiceClient,
    tmp_path: Path,
    clock: MovableClock,
) -> Any:
    def make(name: str) -> AbstractAsyncContextManager[Any]:
        if request.param == "postgresql":
            return service_client(FUNDING)  # type: ignore[no-any-return]
        return sqlite_client(FUNDING, tmp_path / f"{name}.db", clock)

    return make


async def test_a_run_of_relationship_changes_keeps_what_applying_them_one_by_one_keeps(
    on_database: Any,
) -> None:
    events = changes()
    async with on_database("run") as (_, together), on_database("each") as (_, each):
        await together.inbox.deliver_batch([message_for(e) for e in events])
        for event in events:
            await each.inbox.deliver(message_for(event))

        assert await kept(together) == await kept(each)
        rows = await kept(together)
        assert len(rows) == 3
        ended = [r for r in rows if r[1] == "CARE-CO"]
        assert [r[5] for r in ended] == [UNTIL]  # the last of the row's events is the row
