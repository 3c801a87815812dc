"""R10: the task catalogue is seeded and changed only by governance rulings."""

from __future__ import annotations

import uuid
from datetime import date

from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.events.governance import CatalogueChange, TaskCatalogueChanged
from shared.events.vocabulary import Delegability, TaskCategory
from shared.testing.events import deliver
from tests.conftest import ServiceClient, bearer
from tests.delegation.conftest import given_proposal_body, post_proposal

ALL = {"limit": 200}  # the whole catalogue on one page


def ruling(change: CatalogueChange, delegability: Delegability) -> TaskCatalogueChanged:
    return TaskCatalogueChanged(
        subject_id="ruling-7",
        ruling_id=uuid.uuid4(),
        change=change,
        task_code="insulin-pen",
        name="Insulin by pen",
        category=TaskCategory.SPECIALISED_MEDICATION,
        delegability=delegability,
        effective_from=date(2026, 1, 1),
    )


async def test_r10_r16_the_catalogue_is_seeded_per_direction_with_its_training_need(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, _runtime):
        response = await client.get("/tasks", params={"limit": 200}, headers=bearer(Role.AUDITOR))
    tasks = {t["code"]: t["delegability"] for t in response.json()["items"]}
    assert tasks["iv-drug-administration"] == "never"
    assert tasks["syringe-driver"] == "never"
    assert tasks["urinary-catheter-insertion-removal"] == "never"
    assert tasks["complex-wound-dressing"] == "case_by_case"
    assert tasks["topical-cream"] == "routine"
    assert tasks["personal-care-washing"] == "routine"  # issue 13: Health may take it on
    assert tasks["adult-safeguarding-enquiry"] == "social_care_only"
    assert tasks["care-act-needs-assessment"] == "social_care_only"
    training = {t["code"]: t["needs_specific_training"] for t in response.json()["items"]}
    assert (training["medication-prompt"], training["eye-drops"]) == (False, False)
    assert training["topical-cream"] is True
    categories = {t["category"] for t in response.json()["items"]}
    assert set(TaskCategory) <= categories


async def test_r10_a_governance_ruling_adds_changes_and_removes_a_task(
    service_client: ServiceClient,
) -> None:
    async with service_client(DELEGATION) as (client, runtime):
        headers = bearer(Role.AUDITOR)
        await deliver(runtime, ruling(CatalogueChange.ADDED, Delegability.ROUTINE))
        added = {
            t["code"]: t
            for t in (await client.get("/tasks", params=ALL, headers=headers)).json()["items"]
        }
        await deliver(runtime, ruling(CatalogueChange.CHANGED, Delegability.CASE_BY_CASE))
        changed = {
            t["code"]: t
            for t in (await client.get("/tasks", params=ALL, headers=headers)).json()["items"]
        }
        await deliver(runtime, ruling(CatalogueChange.REMOVED, Delegability.CASE_BY_CASE))
        removed = {
            t["code"]
            for t in (await client.get("/tasks", params=ALL, headers=headers)).json()["items"]
        }
        proposal = await post_proposal(
            client, given_proposal_body(uuid.uuid4(), task_code="insulin-pen")
        )
    assert added["insulin-pen"]["delegability"] == "routine"
    assert changed["insulin-pen"]["delegability"] == "case_by_case"
    assert "insulin-pen" not in removed
    assert proposal.json()["rule"] == "R10"
