"""Issue 20: every main list's queries on an index, shown with EXPLAIN on PostgreSQL.

Each list is asked through its endpoint, as the organisation that works it, on a hundredth of
the LLR data set (`bench.dataset`, then ANALYZE); every SELECT it ran is explained again with
sequential scans priced out (`enable_seqscan = off`, so the plan shows the index the planner
has, not what it prefers on a small table). No large table is read by a Seq Scan, and the list's
own table is read through the index named for it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event

from bench.dataset import CHS, Size, build, write
from services.assessment.main import SPEC as ASSESSMENT
from services.delegation.main import SPEC as DELEGATION
from services.training.main import SPEC as TRAINING
from shared.auth import Role
from shared.clock import MovableClock
from shared.service import ServiceSpec
from tests.conftest import ServiceClient, token

PROVIDER = "CAREWELL-HOMECARE"
COUNCIL = "LEICESTERSHIRE-COUNTY-COUNCIL"
LARGE = frozenset(
    {
        "people",
        "relationships",
        "delegations",
        "proposals",
        "reviews",
        "handbacks",
        "oversight_visits",
        "delivery_records",
        "delivery_visits",
        "competences",
        "workers",
        "named_workers",
    }
)
NURSE = Role.REGISTERED_PRACTITIONER


@dataclass(frozen=True)
class ListRead:
    spec: ServiceSpec
    path: str
    role: Role
    organisation: str
    table: str
    indexes: frozenset[str]  # the list's own table is read through one of these
    # read in the list's order off the index (keyset, a page's rows): no sort even with sorts
    # priced out (`enable_sort = off`), so the cost is the page's, not the table's
    ordered: bool = False


LISTS = {
    "people": ListRead(
        ASSESSMENT,
        "/people?limit=50",
        Role.REGISTERED_PRACTITIONER,
        COUNCIL,
        "people",
        frozenset({"ix_people_registered_at_id", "people_pkey"}),
    ),
    "delegations": ListRead(
        DELEGATION,
        f"/delegations?organisation={PROVIDER}",
        Role.MDT_MEMBER,
        CHS,
        "delegations",
        frozenset(
            {
                "ix_delegations_provider_organisation",
                "ix_delegations_provider_organisation_created_at_id",
                "ix_delegations_accountable_organisation",
                "ix_delegations_created_at_id",
            }
        ),
    ),
    "handbacks": ListRead(
        DELEGATION,
        "/handbacks?limit=50",
        Role.REGISTERED_PRACTITIONER,
        CHS,
        "handbacks",
        frozenset({"ix_handbacks_created_at_id", "ix_handbacks_person_id"}),
    ),
    "proposals": ListRead(
        DELEGATION,
        "/proposals?state=submitted&limit=50",
        Role.MDT_MEMBER,
        CHS,
        "proposals",
        frozenset({"ix_proposals_status_submitted_on_id", "ix_proposals_person_id"}),
    ),
    # R17: by the due day stored on the delegation (0016), an owner's and everyone's
    "oversight-visits-due": ListRead(
        DELEGATION,
        f"/oversight-visits/due?oversight_owner={CHS}",
        NURSE,
        CHS,
        "delegations",
        frozenset({"ix_delegations_oversight_owner_next_visit_due_id"}),
        ordered=True,
    ),
    "oversight-visits-due-own-overdue": ListRead(
        DELEGATION,
        "/oversight-visits/due?overdue=true&limit=50",
        NURSE,
        CHS,
        "delegations",
        frozenset({"ix_delegations_oversight_owner_next_visit_due_id"}),
        ordered=True,
    ),
    "oversight-visits-due-everyones": ListRead(
        DELEGATION,
        "/oversight-visits/due?limit=50",
        Role.MDT_MEMBER,
        CHS,
        "delegations",
        frozenset({"ix_delegations_next_visit_due_id"}),
        ordered=True,
    ),
    "worklist-visits-due": ListRead(
        DELEGATION,
        "/worklist?kind=visit_due&limit=50",
        NURSE,
        CHS,
        "delegations",
        frozenset({"ix_delegations_oversight_owner_next_visit_due_id"}),
        ordered=True,
    ),
    "worklist-missed-applications": ListRead(
        DELEGATION,
        "/worklist?kind=missed_application&limit=50",
        Role.PROVIDER_MANAGER,
        PROVIDER,
        "delivery_records",
        frozenset(
            {
                "ix_delivery_records_delegation_id_due_on",
                "uq_delivery_records_one_entry_per_application",
            }
        ),
    ),
    "missed-applications": ListRead(
        DELEGATION,
        "/missed-applications?limit=50",
        Role.PROVIDER_MANAGER,
        PROVIDER,
        "delivery_records",
        frozenset(
            {
                "ix_delivery_records_delegation_id_due_on",
                "uq_delivery_records_one_entry_per_application",
            }
        ),
    ),
    "workers": ListRead(
        TRAINING,
        "/workers",
        Role.PROVIDER_MANAGER,
        PROVIDER,
        "workers",
        frozenset({"ix_workers_organisation"}),
    ),
}


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def sorted_in(plan: dict[str, Any]) -> bool:
    return any(n["Node Type"] in ("Sort", "Incremental Sort") for n in nodes(plan))


Explained = list[tuple[str, list[tuple[str, str, str | None]], bool]]


def scans(plan: dict[str, Any]) -> list[tuple[str, str, str | None]]:
    """(node type, table, index) of every scan in the plan; a bitmap heap scan once for each
    index its bitmap was made from."""
    found: list[tuple[str, str, str | None]] = []
    for n in nodes(plan):
        if "Relation Name" not in n:
            continue
        kind, table = n["Node Type"], n["Relation Name"]
        if kind == "Bitmap Heap Scan":
            bitmaps = [b["Index Name"] for b in nodes(n) if "Index Name" in b]
            found += [(kind, table, index) for index in bitmaps]
        else:
            found.append((kind, table, n.get("Index Name")))
    return found


async def explained(
    service_client: ServiceClient, read: ListRead, clock: MovableClock, headers: dict[str, str]
) -> Explained:
    """Every SELECT the list ran, with the scans of its plan and whether it sorts."""
    rows, _dataset = build(Size().scaled(0.01), clock.now().date())
    async with service_client(read.spec) as (client, runtime):
        await write({read.spec.name: runtime.settings.database_url}, rows)
        ran: list[tuple[str, Any]] = []

        def keep(_c: Any, _cur: Any, statement: str, parameters: Any, *_: Any) -> None:
            if statement.lstrip().upper().startswith(("SELECT", "WITH")):
                ran.append((statement, parameters))

        event.listen(runtime.engine.sync_engine, "before_cursor_execute", keep)
        try:
            response = await client.get(read.path, headers=headers)
        finally:
            event.remove(runtime.engine.sync_engine, "before_cursor_execute", keep)
        assert response.status_code == 200, response.text
        found = []
        async with runtime.engine.connect() as connection:
            raw = (await connection.get_raw_connection()).driver_connection
            assert raw is not None
            await raw.execute("SET enable_seqscan = off")
            if read.ordered:
                await raw.execute("SET enable_sort = off")
            for statement, parameters in ran:
                plan = await raw.fetchval(f"EXPLAIN (FORMAT JSON) {statement}", *parameters)
                if isinstance(plan, str):  # without the engine's json codec
                    plan = json.loads(plan)
                found.append((statement, scans(plan[0]["Plan"]), sorted_in(plan[0]["Plan"])))
    return found


def headers_for(read: ListRead) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(read.role, read.organisation)}"}


@pytest.mark.parametrize("name", sorted(LISTS))
async def test_each_main_list_reads_its_tables_through_an_index(
    service_client: ServiceClient, clock: MovableClock, name: str
) -> None:
    read = LISTS[name]
    found = await explained(service_client, read, clock, headers_for(read))
    sequential = [
        (table, statement.split("\n")[0])
        for statement, plan, _sorts in found
        for kind, table, _index in plan
        if kind == "Seq Scan" and table in LARGE
    ]
    assert sequential == [], f"{name}: read without an index: {sequential}"
    used = {index for _s, plan, _sorts in found for _k, table, index in plan if table == read.table}
    assert used & read.indexes, f"{name}: {read.table} read through {used}, not {read.indexes}"
    if read.ordered:
        of_the_list = [
            statement.split("\n")[0]
            for statement, plan, sorts in found
            if sorts and any(table == read.table for _k, table, _i in plan)
        ]
        assert of_the_list == [], f"{name}: sorted, not read in the index's order: {of_the_list}"


async def test_a_care_workers_delegated_tasks_are_read_through_an_index(
    service_client: ServiceClient, clock: MovableClock
) -> None:
    """The worker's tasks: found through the worker's named rows (0016), not a JSON match."""
    _rows, dataset = build(Size().scaled(0.01), clock.now().date())
    worker = dataset.workers[PROVIDER][0]
    read = ListRead(
        DELEGATION,
        "/delegated-tasks?limit=50",
        Role.CARE_WORKER,
        PROVIDER,
        "named_workers",
        frozenset({"ix_named_workers_worker_id_delegation_id"}),
    )
    headers = {"Authorization": f"Bearer {token(Role.CARE_WORKER, PROVIDER, user_id=str(worker))}"}
    found = await explained(service_client, read, clock, headers)
    used = {index for _s, plan, _o in found for _k, table, index in plan if table == read.table}
    assert used & read.indexes, f"{read.table} read through {used}"
    assert not any(k == "Seq Scan" and t in LARGE for _s, plan, _o in found for k, t, _i in plan)
