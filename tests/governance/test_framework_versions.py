"""R29: the Framework has versions; which one was in force on a date is answerable."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from services.governance.domain import versions as domain
from services.governance.main import SPEC as GOVERNANCE
from shared.auth import Role
from shared.errors import RuleViolation
from shared.events.cloudevents import classes_of, decode
from shared.events.governance import FrameworkVersionPublished
from shared.outbox import outbox, to_message
from tests.conftest import ServiceClient, bearer

VERSION_1 = (1, date(2022, 10, 1))


def test_r29_version_1_is_in_force_from_1_october_2022_and_not_before() -> None:
    assert domain.version_in_force([VERSION_1], date(2022, 10, 1)) == 1
    assert domain.version_in_force([VERSION_1], date(2022, 9, 30)) is None


def test_r29_a_later_version_takes_over_on_its_effective_date() -> None:
    versions = [VERSION_1, (2, date(2026, 4, 1))]
    assert domain.version_in_force(versions, date(2026, 3, 31)) == 1
    assert domain.version_in_force(versions, date(2026, 4, 1)) == 2


@pytest.mark.parametrize(
    ("version", "effective_from", "field"),
    [(3, date(2027, 1, 1), "version"), (2, date(2022, 10, 1), "effective_from")],
)
def test_r29_versions_follow_one_another(version: int, effective_from: date, field: str) -> None:
    with pytest.raises(RuleViolation) as refused:
        domain.publish_framework_version([VERSION_1], version, effective_from, "x")
    assert refused.value.rule == "R29"
    assert refused.value.extensions["errors"][0]["field"] == field


async def test_r29_publishing_a_version_records_it_and_its_event_together(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        created = await client.post(
            "/framework-versions",
            json={"version": 2, "effective_from": "2027-04-01", "summary": "Version 2"},
            headers=bearer(Role.IPCB_MEMBER),
        )
        in_force = await client.get(
            "/framework-versions/in-force",
            params={"on": "2027-04-02"},
            headers=bearer(Role.MDT_MEMBER),
        )
        before = await client.get(
            "/framework-versions/in-force",
            params={"on": "2014-01-01"},
            headers=bearer(Role.MDT_MEMBER),
        )
        async with runtime.sessions() as session:
            rows = (await session.execute(select(outbox))).mappings().all()

    assert created.status_code == 201
    assert in_force.json()["version"] == 2
    assert before.status_code == 404
    [row] = rows
    _, event = decode(to_message(dict(row), ""), classes_of([FrameworkVersionPublished]))
    assert event.model_dump() == {
        "subject_id": "framework-version-2",
        "version": 2,
        "effective_from": date(2027, 4, 1),
        "summary": "Version 2",
    }


async def test_r29_a_version_out_of_sequence_is_refused_naming_the_rule(
    service_client: ServiceClient,
) -> None:
    async with service_client(GOVERNANCE) as (client, runtime):
        response = await client.post(
            "/framework-versions",
            json={"version": 5, "effective_from": "2027-04-01", "summary": "skips"},
            headers=bearer(Role.IPCB_MEMBER),
        )
        async with runtime.sessions() as session:
            unsent = (await session.execute(select(outbox))).all()
    assert response.status_code == 422
    assert response.json()["rule"] == "R29"
    assert unsent == []
