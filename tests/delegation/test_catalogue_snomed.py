"""R10: a catalogue task carries the SNOMED CT concept the IPCB's ruling chose, wherever the
catalogue is read; a ruling that does not say keeps it."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from services.delegation.main import SPEC as DELEGATION
from shared.auth import Role
from shared.events.governance import CatalogueChange, TaskCatalogueChanged
from shared.events.vocabulary import Delegability, TaskCategory
from shared.testing.events import deliver
from tests.conftest import ServiceClient, bearer

ALL = {"limit": 200}  # the whole catalogue on one page


def ruling(change: CatalogueChange, **overrides: Any) -> TaskCatalogueChanged:
    fields: dict[str, Any] = {
        "subject_id": "task-insulin-pen",
        "ruling_id": uuid.uuid4(),
        "change": change,
        "task_code": "insulin-pen",
        "name": "Insulin by pen",
        "category": TaskCategory.SPECIALISED_MEDICATION,
        "delegability": Delegability.CASE_BY_CASE,
        "effective_from": date(2026, 1, 1),
    }
    return TaskCatalogueChanged(**(fields | overrides))


async def test_r10_a_task_carries_the_snomed_concept_the_ipcb_chose_and_keeps_it(
    service_client: ServiceClient,
) -> None:
    headers = bearer(Role.AUDITOR)
    async with service_client(DELEGATION) as (client, runtime):
        await deliver(
            runtime,
            ruling(
                CatalogueChange.ADDED,
                snomed_concept_id="404684003",
                snomed_display="Clinical finding",
            ),
        )
        added = {
            t["code"]: t
            for t in (await client.get("/tasks", params=ALL, headers=headers)).json()["items"]
        }
        await deliver(runtime, ruling(CatalogueChange.CHANGED, name="Insulin by pen (adult)"))
        kept = {
            t["code"]: t
            for t in (await client.get("/tasks", params=ALL, headers=headers)).json()["items"]
        }
        rulings = (await client.get("/tasks/rulings", params=ALL, headers=headers)).json()["items"]
    concept = ("404684003", "Clinical finding")
    assert (added["insulin-pen"]["snomed_concept_id"], added["insulin-pen"]["snomed_display"]) == (
        concept
    )
    assert kept["insulin-pen"]["name"] == "Insulin by pen (adult)"
    assert (kept["insulin-pen"]["snomed_concept_id"], kept["insulin-pen"]["snomed_display"]) == (
        concept
    )
    found = {
        r["change"]: r["snomed_concept_id"] for r in rulings if r["task_code"] == "insulin-pen"
    }
    assert found == {"added": "404684003", "changed": None}  # same day: in the order of their ids
    assert all(t["snomed_concept_id"] is None for c, t in kept.items() if c != "insulin-pen")
