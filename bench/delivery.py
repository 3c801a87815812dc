"""Delivery records in bulk (issue 16): a month of applications, twice a day, for 1,000 people
(60,000 entries) through the service's handler (each application checked: the delegation locked
and live, the day's slot, the worker's competence on the day (R16) and training plan (R24), the
entry and its audit row in one transaction per visit), beside a bare insert of the same rows in
batches, and beside the same rows written unchecked one visit a transaction as the handler writes
them (what the transaction per visit costs, whatever the checks). The handler's CPU per entry in
this process and in the database's backends is printed with the load average.

    python -m bench.delivery                 1,000 people, 30 days (60,000 entries)
    python -m bench.delivery --people 100    a smaller run (6,000 entries)

Needs PostgreSQL (LLR_TEST_DATABASE_URL, else a container); the database it makes is dropped
with the server it came from, or left for the next run to replace.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from typing import Any

from sqlalchemy import insert

from bench.common import Row, fresh_database
from services.delegation.handlers.delivery import record_visit
from services.delegation.main import SPEC as DELEGATION
from services.delegation.models import (
    Competence,
    Delegation,
    DeliveryRecord,
    DeliveryVisit,
    Proposal,
    TrainingPlan,
)
from services.delegation.schemas.delivery import Entry
from shared.audit import audit_log
from shared.auth import CurrentUser, Role
from shared.clock import MovableClock
from shared.service import Runtime
from shared.settings import Environment
from shared.testing.servers import Server, postgres, running

PROVIDER = "CAREWELL-HOMECARE"
MANAGER = CurrentUser("bench-manager", PROVIDER, Role.PROVIDER_MANAGER)
START = date(2026, 1, 5)
DOSES = (clock_time(8, 30), clock_time(18, 0))


CASE = {
    "task_code": "topical-cream",
    "category": "compromised_skin_integrity_and_wound_care",
    "direction": "health_to_social",
    "setting": "own_home",
    "provider_organisation": PROVIDER,
    "practitioner_id": "bench-nurse",
    "professional_body": "NMC",
    "registration_number": "12A3456E",
    "additional_minutes_per_week": 0,
    "frequency": "twice a day",
    "contact_arrangements": "District nurse visits every ten days",
}


def proposal_row(person_id: uuid.UUID) -> dict[str, Any]:
    return CASE | {
        "id": uuid.uuid4(),
        "person_id": person_id,
        "status": "approved",
        "submitted_on": START,
    }


def delegation_row(
    person: int, proposal: dict[str, Any], workers: Sequence[uuid.UUID]
) -> dict[str, Any]:
    return CASE | {
        "id": uuid.uuid4(),
        "proposal_id": proposal["id"],
        "person_id": proposal["person_id"],
        "status": "live",
        "framework_version": 1,
        "nhs_duty_of_care_retained": True,
        "worker_ids": [str(w) for w in workers],
        "accepted_on": START,
        "oversight_kind": "community_health_services",
        "oversight_owner": "LPT",
        "start_date": START,
        "created_at": datetime(2026, 1, 5, 9, tzinfo=UTC) + timedelta(microseconds=person),
        "regular_reviews_raised": 0,
        "mdt_organisations": ["LPT"],
    }


async def given_live_delegations(runtime: Runtime, people: int) -> list[dict[str, Any]]:
    """Live delegations, two competent workers each on the delegation's training plan (R24), as
    the gates would have left them."""
    proposals, rows, competences, plans = [], [], [], []
    for person in range(people):
        workers = (uuid.uuid4(), uuid.uuid4())
        proposals.append(proposal_row(uuid.uuid4()))
        rows.append(delegation_row(person, proposals[-1], workers))
        competences += [
            {
                "worker_id": w,
                "task_code": "topical-cream",
                "scope": "*",
                "competent": True,
                "valid_until": date(2027, 1, 5),
            }
            for w in workers
        ]
        plan = uuid.uuid4()
        plans += [
            {"delegation_id": rows[-1]["id"], "worker_id": w, "plan_id": plan} for w in workers
        ]
    async with runtime.engine.begin() as connection:
        await connection.execute(insert(Proposal), proposals)
        await connection.execute(insert(Delegation), rows)
        await connection.execute(insert(Competence), competences)
        await connection.execute(insert(TrainingPlan), plans)
    return rows


def applications(
    delegations: list[dict[str, Any]], days: int
) -> list[tuple[date, dict[str, Any], Entry]]:
    """Each person's two applications a day, by day (the carers' rounds)."""
    found = []
    for offset in range(days):
        day = START + timedelta(days=offset)
        for dose, at in enumerate(DOSES):
            for d in delegations:
                entry = Entry(
                    delegation_id=d["id"],
                    outcome="given",
                    worker_id=uuid.UUID(d["worker_ids"][dose]),
                    administered_at=datetime.combine(day, at, UTC),
                    observations="applied to the lower leg",
                )
                found.append((day, d, entry))
    return found


async def through_the_handler(
    runtime: Runtime,
    clock: MovableClock,
    work: list[tuple[date, dict[str, Any], Entry]],
    tasks: int,
) -> float:
    """Entries a second, each visit its own transaction, `tasks` carers at once."""
    queue: asyncio.Queue[tuple[date, dict[str, Any], Entry]] = asyncio.Queue()

    async def carer() -> None:
        while not queue.empty():
            _day, _d, entry = queue.get_nowait()
            async with runtime.sessions() as session, session.begin():
                await record_visit(session, MANAGER, [entry], None)

    database_before = backends_cpu(runtime)
    ours_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    for day in sorted({w[0] for w in work}):
        clock.set(datetime.combine(day, clock_time(23, 0), UTC))
        for item in (w for w in work if w[0] == day):
            queue.put_nowait(item)
        await asyncio.gather(*(carer() for _ in range(tasks)))
    rate = len(work) / (time.perf_counter() - started)
    ours = resource.getrusage(resource.RUSAGE_SELF)
    cpu = ours.ru_utime - ours_before.ru_utime + ours.ru_stime - ours_before.ru_stime
    database = backends_cpu(runtime)
    in_database = sum(t - database_before.get(pid, 0.0) for pid, t in database.items())
    print(
        f"    the handler's CPU per entry: {cpu / len(work) * 1000:.2f} ms here, "
        f"{in_database / len(work) * 1000:.2f} ms in {len(database)} database backends "
        f"(0 where the server's processes cannot be read); load average "
        f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}",
        file=sys.stderr,
    )
    return rate


def backends_cpu(runtime: Runtime) -> dict[int, float]:
    """CPU seconds of each PostgreSQL backend serving the bench's database, where the server
    runs on this machine and its processes can be read (empty otherwise)."""
    name = runtime.engine.url.database or ""
    found: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    for pid in filter(str.isdigit, os.listdir("/proc") if os.path.isdir("/proc") else []):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if f"postgres: {runtime.engine.url.username} {name} ".encode() not in f.read():
                    continue
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        found[int(pid)] = (int(fields[11]) + int(fields[12])) / tick  # utime + stime
    return found


async def visit_by_visit(
    runtime: Runtime, work: list[tuple[date, dict[str, Any], Entry]], tasks: int
) -> float:
    """Entries a second for the same rows written unchecked as the handler writes them: each
    visit, its entry and the audit row in a transaction of its own, `tasks` at once."""
    rows = entry_rows(work, None)
    async with runtime.engine.begin() as connection:
        await connection.exec_driver_sql("DELETE FROM delivery_records")
        await connection.exec_driver_sql("DELETE FROM delivery_visits")
    queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    for row in rows:
        queue.put_nowait(row)

    async def carer() -> None:
        while not queue.empty():
            row = queue.get_nowait()
            visit = {
                "id": row["visit_id"],
                "idempotency_key": None,
                "organisation": PROVIDER,
                "recorded_by": "bench",
                "recorded_at": row["recorded_at"],
            }
            audit = {
                "at": row["recorded_at"],
                "user_id": "bench",
                "role": MANAGER.role.value,
                "organisation": PROVIDER,
                "action": "delivery.record",
                "subject": str(row["id"]),
                "reason": f"{row['outcome']} on {row['due_on']}",
            }
            async with runtime.engine.begin() as connection:
                await connection.execute(insert(DeliveryVisit), [visit])
                await connection.execute(insert(DeliveryRecord), [row])
                await connection.execute(insert(audit_log), [audit])

    started = time.perf_counter()
    await asyncio.gather(*(carer() for _ in range(tasks)))
    return len(rows) / (time.perf_counter() - started)


async def bare_insert(runtime: Runtime, work: list[tuple[date, dict[str, Any], Entry]]) -> float:
    """Entries a second for the same rows inserted in batches of 1,000, unchecked."""
    visit_id = uuid.uuid4()
    visit = {
        "id": visit_id,
        "idempotency_key": None,
        "organisation": PROVIDER,
        "recorded_by": "bench",
        "recorded_at": datetime.now(UTC),
    }
    rows = entry_rows(work, visit_id)
    async with runtime.engine.begin() as connection:
        await connection.exec_driver_sql("DELETE FROM delivery_records")
        await connection.execute(insert(DeliveryVisit), [visit])
    started = time.perf_counter()
    for batch in range(0, len(rows), 1000):
        async with runtime.engine.begin() as connection:
            await connection.execute(insert(DeliveryRecord), rows[batch : batch + 1000])
    return len(rows) / (time.perf_counter() - started)


def entry_rows(
    work: list[tuple[date, dict[str, Any], Entry]], visit_id: uuid.UUID | None
) -> list[dict[str, Any]]:
    """The entries' rows, each day's applications in slots 1 and 2; all in one visit, or each
    in a visit of its own (None)."""
    slots: dict[tuple[uuid.UUID, date], int] = {}
    rows = []
    for day, d, entry in work:
        slot = slots[(d["id"], day)] = slots.get((d["id"], day), 0) + 1
        rows.append(
            {
                "id": uuid.uuid4(),
                "visit_id": visit_id or uuid.uuid4(),
                "delegation_id": d["id"],
                "person_id": d["person_id"],
                "provider_organisation": PROVIDER,
                "due_on": day,
                "slot": slot,
                "outcome": entry.outcome.value,
                "reason": None,
                "worker_id": entry.worker_id,
                "administered_at": entry.administered_at,
                "observations": entry.observations,
                "change_noticed": False,
                "change": None,
                "corrects": None,
                "recorded_by": "bench",
                "recorded_at": datetime.now(UTC),
            }
        )
    return rows


async def delivery_in_bulk(pg: Server, people: int, days: int, tasks: int) -> list[Row]:
    url = await fresh_database(pg.address, "llr_bench_delivery")
    clock = MovableClock(datetime.combine(START, clock_time(23, 0), UTC))
    service_settings = DELEGATION.settings_type(environment=Environment.TEST, database_url=url)
    runtime = Runtime(DELEGATION, service_settings, clock)
    try:
        await runtime.migrate()
        work = applications(await given_live_delegations(runtime, people), days)
        handled = await through_the_handler(runtime, clock, work, tasks)
        unchecked = await visit_by_visit(runtime, work, tasks)
        bare = await bare_insert(runtime, work)
    finally:
        await runtime.close()
    figure = f"delivery records, {people} people x {days} days x 2 ({len(work):,} entries)"
    return [
        Row(figure, handled, "entries/s", "bare batched insert of the same rows", bare),
        Row(
            f"{figure}, beside its transactions",
            handled,
            "entries/s",
            "the same rows unchecked, a visit a transaction (visit, entry, audit row)",
            unchecked,
        ),
    ]


QUICK_PEOPLE, QUICK_DAYS = 50, 5


async def delivery_records(pg: Server, _broker: Server, quick: bool = False) -> list[Row]:
    """The `make bench` section: a month for 1,000 people; quick, five days for 50."""
    people, days = (QUICK_PEOPLE, QUICK_DAYS) if quick else (1000, 30)
    return await delivery_in_bulk(pg, people, days, 8)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.delivery", description=__doc__)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--tasks", type=int, default=8, help="carers recording at once")
    return parser.parse_args()


async def main(args: argparse.Namespace) -> list[Row]:
    with running(postgres) as pg:
        return await delivery_in_bulk(pg, args.people, args.days, args.tasks)


if __name__ == "__main__":
    for row in asyncio.run(main(arguments())):
        print(
            f"{row.figure}: {row.value:,.0f} {row.unit}; {row.baseline}: "
            f"{row.baseline_value:,.0f} {row.unit} (ratio {row.ratio:.3f})",
            file=sys.stdout,
        )
