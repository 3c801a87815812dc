"""Registering a person (issue 20: one statement on PostgreSQL, no read first): what it writes,
in order, and that racing or refused duplicates write nothing, on PostgreSQL and on SQLite."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import func, select

from services.assessment.main import SPEC as ASSESSMENT
from shared.audit import audit_log
from shared.clock import MovableClock
from shared.events.assessment import PersonRegistered, RelationshipChanged
from shared.events.vocabulary import RelationshipBasis, Setting
from shared.outbox import outbox
from shared.relationships import relationships
from shared.service import Runtime
from shared.testing.events import published
from tests.assessment.conftest import PRACTITIONER, given_person_body
from tests.conftest import ServiceClient, sqlite_client

Registrar = Callable[[], AbstractAsyncContextManager[tuple[AsyncClient, Runtime]]]


@pytest.fixture(params=["postgresql", "sqlite"])
def registrar(
    request: pytest.FixtureRequest,
    service_client: ServiceClient,
    tmp_path: Path,
    clock: MovableClock,
) -> Registrar:
    """The assessment service on PostgreSQL, or standalone on a SQLite file."""
    if request.param == "postgresql":
        return lambda: service_client(ASSESSMENT)

    return lambda: sqlite_client(ASSESSMENT, tmp_path / "r.db", clock)


async def rows(runtime: Runtime) -> dict[str, list[Any]]:
    async with runtime.sessions() as session:
        related = (await session.execute(select(relationships))).mappings().all()
        audited = (
            (
                await session.execute(
                    select(audit_log).where(audit_log.c.action == "person.register")
                )
            )
            .mappings()
            .all()
        )
        events = await session.scalar(select(func.count()).select_from(outbox))
    return {"relationships": list(related), "audit": list(audited), "outbox": [events]}


async def test_a_registration_writes_the_person_its_relationships_events_and_audit_row(
    registrar: Registrar,
) -> None:
    body = given_person_body(local_authority="LEICESTER-CITY-COUNCIL")
    async with registrar() as (client, runtime):
        response = await client.post("/people", json=body, headers=PRACTITIONER)
        events = await published(runtime)
        written = await rows(runtime)
    assert response.status_code == 201, response.text
    person = response.json()
    person_id, at = uuid.UUID(person["id"]), datetime.fromisoformat(person["registered_at"])
    assert {k: person[k] for k in body} == body
    registered, *changed = events
    assert registered == PersonRegistered(
        person_id=person_id,
        local_authority="LEICESTER-CITY-COUNCIL",
        gp_practice=body["gp_practice"],
        setting=Setting(body["setting"]),
        open_to_community_health_services=body["open_to_community_health_services"],
    )
    assert changed == [
        RelationshipChanged(
            person_id=person_id,
            organisation=organisation,
            basis=basis,
            source_id=str(person_id),
            since=at,
            until=None,
        )
        for organisation, basis in [
            ("LPT", RelationshipBasis.REGISTERED),
            ("LEICESTER-CITY-COUNCIL", RelationshipBasis.LOCAL_AUTHORITY),
        ]
    ]
    assert sorted(
        (r["organisation"], r["basis"], r["source_id"]) for r in written["relationships"]
    ) == [
        ("LEICESTER-CITY-COUNCIL", "local_authority", str(person_id)),
        ("LPT", "registered", str(person_id)),
    ]
    assert {(r["since"], r["until"]) for r in written["relationships"]} == {(at, None)}
    [audited] = written["audit"]
    assert (audited["subject"], audited["organisation"], audited["role"], audited["at"]) == (
        str(person_id),
        "LPT",
        "registered_practitioner",
        at,
    )


async def test_racing_registrations_of_one_nhs_number_make_one_person_and_write_once(
    registrar: Registrar,
) -> None:
    """One winner on both dialects; the losers are 409s pointing at it and write nothing."""
    body = given_person_body()
    async with registrar() as (client, runtime):
        responses = await asyncio.gather(
            *(client.post("/people", json=body, headers=PRACTITIONER) for _ in range(4))
        )
        written = await rows(runtime)
        events = await published(runtime, PersonRegistered)
    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    [winner] = [r.json()["id"] for r in responses if r.status_code == 201]
    assert {r.json().get("existing") for r in responses if r.status_code == 409} == {
        f"/people/{winner}"
    }
    assert body["nhs_number"] not in "".join(r.text for r in responses if r.status_code == 409)
    assert [str(e.person_id) for e in events] == [winner]  # type: ignore[attr-defined]
    assert len(written["relationships"]) == 2
    assert [r["subject"] for r in written["audit"]] == [winner]
    assert written["outbox"] == [3]  # PersonRegistered and two RelationshipChanged


async def test_a_refused_duplicate_after_the_first_commit_writes_nothing(
    registrar: Registrar,
) -> None:
    body = given_person_body()
    async with registrar() as (client, runtime):
        first = await client.post("/people", json=body, headers=PRACTITIONER)
        before = await rows(runtime)
        again = await client.post("/people", json=body, headers=PRACTITIONER)
        after = await rows(runtime)
    assert first.status_code == 201
    assert again.status_code == 409
    assert again.json()["existing"] == f"/people/{first.json()['id']}"
    assert after == before
