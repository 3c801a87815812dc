"""R4: a proposal may cite the person's assessed health need (optional, so existing clients
work); when it does, the need must be current and list the task."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from httpx import AsyncClient

from services.delegation.domain.proposals import check_health_need
from services.delegation.main import SPEC as DELEGATION
from shared.events.assessment import (
    AssessedHealthNeed,
    HealthCondition,
    HealthPurpose,
    NeedsAssessed,
)
from shared.testing.events import deliver
from tests.conftest import ServiceClient
from tests.delegation.conftest import given_proposal_body, post_proposal
from tests.delegation.test_rules import rule_of


def assessed(
    person_id: uuid.UUID,
    need_id: uuid.UUID,
    task_codes: list[str],
    supersedes: uuid.UUID | None = None,
) -> NeedsAssessed:
    return NeedsAssessed(
        person_id=person_id,
        assessment_id=uuid.uuid4(),
        kind="health_needs",
        partner_organisation="LPT",
        assessed_on=date(2026, 1, 5),
        health_needs=[
            AssessedHealthNeed(
                need_id=need_id,
                purpose=HealthPurpose.TREATMENT,
                relates_to=HealthCondition.ILLNESS,
                requires_health_professional=False,
                task_codes=task_codes,
            )
        ],
        supersedes_assessment_id=supersedes,
    )


async def propose(client: AsyncClient, person_id: uuid.UUID, need_id: uuid.UUID) -> Any:
    body = given_proposal_body(person_id, health_need_id=str(need_id))
    return await post_proposal(client, body)


def test_r4_a_cited_need_must_be_current_and_list_the_task() -> None:
    check_health_need("topical-cream", ("topical-cream", "eye-drops"))
    assert rule_of(lambda: check_health_need("topical-cream", ("eye-drops",))) == "R4"
    assert rule_of(lambda: check_health_need("topical-cream", None)) == "R4"


async def test_r4_a_proposal_citing_a_current_need_listing_the_task_is_accepted(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id, need_id = uuid.uuid4(), uuid.uuid4()
        await deliver(runtime, assessed(person_id, need_id, ["topical-cream"]))
        response = await propose(client, person_id, need_id)
    assert response.status_code == 201, response.text
    assert response.json()["health_need_id"] == str(need_id)


async def test_r4_a_cited_need_that_does_not_list_the_task_is_refused(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id, need_id = uuid.uuid4(), uuid.uuid4()
        await deliver(runtime, assessed(person_id, need_id, ["eye-drops"]))
        response = await propose(client, person_id, need_id)
        another_persons = await propose(client, uuid.uuid4(), need_id)
    assert response.status_code == 422
    assert response.json()["rule"] == "R4"
    assert response.json()["errors"][0]["field"] == "health_need_id"
    assert another_persons.status_code == 422
    assert another_persons.json()["rule"] == "R4"


async def test_r4_r8_a_need_of_a_superseded_assessment_is_no_longer_current(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        person_id, old_need, new_need = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        first = assessed(person_id, old_need, ["topical-cream"])
        await deliver(runtime, first)
        await deliver(
            runtime,
            assessed(person_id, new_need, ["topical-cream"], supersedes=first.assessment_id),
        )
        old = await propose(client, person_id, old_need)
        new = await propose(client, person_id, new_need)
    assert old.status_code == 422
    assert old.json()["rule"] == "R4"
    assert new.status_code == 201, new.text
