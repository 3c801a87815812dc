"""A realistic LLR data set written straight into the services' PostgreSQL databases (COPY), for
reads at scale (issue 20 item 5) and the EXPLAIN tests of the lists' indexes.

At full size: 100,000 people registered by the three councils, 30,000 live delegations carried
by the two care providers of the register, each with two named workers (each worker on about six
tasks), overseen by Community Health Services (LPT) or the GP practice, a year of reviews (the
twelve-monthly one done, the next due; a few overdue; some changes in need), a month of delivery
records twice a day (about one application in a hundred missed), an oversight visit every ten
days (some overdue), 600 handed-back delegations with their handbacks, 900 proposals awaiting
the MDT, and the relationship rows that make each list visible to each organisation.

    python -m bench.dataset --fraction 0.01     a hundredth, into fresh `llr_dataset_*` databases

`Size.scaled(0.01)` is what tests use. Rows are made from a seeded random generator: the same
size and seed give the same data set.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import asyncpg

from services.delegation.models import times_a_day
from shared.events.vocabulary import RelationshipBasis

COUNCILS = (
    ("LEICESTERSHIRE-COUNTY-COUNCIL", 0.55),
    ("LEICESTER-CITY-COUNCIL", 0.36),
    ("RUTLAND-COUNTY-COUNCIL", 0.09),
)
PROVIDERS = (("CAREWELL-HOMECARE", 0.6), ("INDEPENDENT-SECTOR", 0.4))
GP_PRACTICE = "C82001"
CHS = "LPT"
ICB = "LLR-ICB"
TASKS = {  # of the catalogue, by category
    "topical-cream": "compromised_skin_integrity_and_wound_care",
    "compression-stockings": "compromised_skin_integrity_and_wound_care",
    "eye-drops": "specialised_medication_administration",
    "blood-glucose-monitoring": "vital_signs_monitoring",
}
SERVICES = ("assessment", "delegation", "training")
DELIVERY_DAYS = 30
OVERSIGHT_EVERY = 10
MISSED_ONE_IN = 100


@dataclass(frozen=True)
class Size:
    people: int = 100_000
    delegations: int = 30_000  # live
    handed_back: int = 600
    awaiting_decision: int = 900
    delivery_days: int = DELIVERY_DAYS

    def scaled(self, fraction: float) -> Size:
        def part(n: int) -> int:
            return max(1, round(n * fraction))

        return Size(
            part(self.people),
            part(self.delegations),
            part(self.handed_back),
            part(self.awaiting_decision),
            self.delivery_days,
        )


@dataclass
class Dataset:
    """What a reader needs to address the lists: who exists where, as of `today`."""

    today: date
    size: Size
    workers: dict[str, list[uuid.UUID]] = field(default_factory=dict)  # by provider
    people: list[uuid.UUID] = field(default_factory=list)
    delegations: list[uuid.UUID] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows written


def nhs_number(serial: int) -> str | None:
    """A valid NHS number (modulus 11) from a nine-digit serial; None when the serial has none."""
    digits = f"{serial:09d}"
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return None if check == 10 else digits + str(check)


class Rows:
    """Rows by table, in column order, ready for COPY."""

    def __init__(self) -> None:
        self.tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = {}

    def add(self, table: str, row: Mapping[str, Any]) -> None:
        columns, rows = self.tables.setdefault(table, (list(row), []))
        rows.append(tuple(row[c] for c in columns))

    def dicts(self, table: str) -> list[dict[str, Any]]:
        columns, rows = self.tables.get(table, ([], []))
        return [dict(zip(columns, r, strict=True)) for r in rows]


def _weighted(rng: random.Random, choices: Sequence[tuple[str, float]]) -> str:
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)


def _relationship(
    rows: Rows,
    person: uuid.UUID,
    organisation: str,
    basis: RelationshipBasis,
    source: object,
    since: datetime,
) -> None:
    rows.add(
        "relationships",
        {
            "person_id": person,
            "organisation": organisation,
            "basis": basis.value,
            "source_id": str(source),
            "since": since,
            "until": None,
        },
    )


def build(size: Size, today: date, seed: int = 20) -> tuple[dict[str, Rows], Dataset]:
    """Every row of the data set, by service, and what the readers need of it."""
    rng = random.Random(seed)
    out = {s: Rows() for s in SERVICES}
    assessment, delegation, training = out["assessment"], out["delegation"], out["training"]
    shared_relationships = Rows()
    dataset = Dataset(today, size)
    council_of: dict[uuid.UUID, str] = {}
    serial = 400_000_000
    registered_since = _at(today - timedelta(days=3 * 365))
    for i in range(size.people):
        person = _uuid(rng)
        number = None
        while number is None:
            serial += 1
            number = nhs_number(serial)
        council = council_of[person] = _weighted(rng, COUNCILS)
        registered = registered_since + timedelta(minutes=i * (3 * 365 * 24 * 60) // size.people)
        assessment.add(
            "people",
            {
                "id": person,
                "nhs_number": number,
                "local_authority": council,
                "gp_practice": GP_PRACTICE,
                "setting": "own_home",
                "open_to_community_health_services": True,
                "registered_at": registered,
                "registered_by": "dataset",
                "version": 1,
            },
        )
        delegation.add(
            "people",
            {
                "person_id": person,
                "local_authority": council,
                "gp_practice": GP_PRACTICE,
                "setting": "own_home",
                "open_to_chs": True,
            },
        )
        _relationship(
            shared_relationships, person, council, RelationshipBasis.REGISTERED, person, registered
        )
        _relationship(
            shared_relationships,
            person,
            council,
            RelationshipBasis.LOCAL_AUTHORITY,
            person,
            registered,
        )
        dataset.people.append(person)

    # Workers: two named on each task, each worker on about six tasks of their provider.
    carried = size.delegations + size.handed_back
    by_provider = [_weighted(rng, PROVIDERS) for _ in range(carried)]
    for provider, _weight in PROVIDERS:
        count = max(2, by_provider.count(provider) // 3)
        dataset.workers[provider] = [_uuid(rng) for _ in range(count)]
        for worker in dataset.workers[provider]:
            training.add(
                "workers",
                {
                    "id": worker,
                    "organisation": provider,
                    "role": "care_worker",
                    "registered_at": _at(today - timedelta(days=800)),
                    "version": 1,
                },
            )
    competent: set[tuple[uuid.UUID, str]] = set()

    delegated = rng.sample(dataset.people, carried + size.awaiting_decision)
    visits: dict[tuple[uuid.UUID, date], uuid.UUID] = {}
    for index, person in enumerate(delegated):
        council = council_of[person]
        task = rng.choice(list(TASKS))
        submitted = today - timedelta(days=rng.randint(30, 730))
        pending = index >= carried
        if pending:
            submitted = today - timedelta(days=rng.randint(0, 40))
        provider = by_provider[index] if not pending else _weighted(rng, PROVIDERS)
        proposal = _uuid(rng)
        case = {
            "task_code": task,
            "category": TASKS[task],
            "direction": "health_to_social",
            "setting": "own_home",
            "practitioner_id": "dataset-nurse",
            "professional_body": "NMC",
            "registration_number": "12A3456E",
            "provider_organisation": provider,
            "frequency": "twice a day",
            "additional_minutes_per_week": 0,
            "contact_arrangements": "District nurse visits every ten days",
        }
        delegation.add(
            "proposals",
            case
            | {
                "id": proposal,
                "person_id": person,
                "status": "submitted" if pending else "approved",
                "submitted_on": submitted,
                "proposed_by_organisation": CHS,
                "version": 1,
            },
        )
        _relationship(
            shared_relationships, person, CHS, RelationshipBasis.MDT, proposal, _at(submitted)
        )
        if pending:
            continue
        handed_back = index >= size.delegations
        delegation_id = _uuid(rng)
        start = submitted + timedelta(days=rng.randint(7, 21))
        if start >= today:
            start = today - timedelta(days=1)
        primary = rng.random() < 0.2
        owner = GP_PRACTICE if primary else CHS
        workers = rng.sample(dataset.workers[provider], 2)
        for w in workers:
            competent.add((w, task))
        anniversary = start + timedelta(days=365)
        while anniversary <= today - timedelta(days=30):
            anniversary += timedelta(days=365)
        next_review = (
            anniversary if rng.random() > 0.02 else today - timedelta(days=rng.randint(1, 20))
        )
        row = case | {
            "id": delegation_id,
            "proposal_id": proposal,
            "person_id": person,
            "status": "handed_back" if handed_back else "live",
            "framework_version": 1,
            "nhs_duty_of_care_retained": True,
            "worker_ids": json.dumps([str(w) for w in workers]),
            "accepted_on": start - timedelta(days=2),
            "accountable_organisation": ICB,
            "local_authority": council,
            "oversight_kind": "primary_care" if primary else "community_health_services",
            "oversight_owner": owner,
            "start_date": start,
            "regular_reviews_raised": 1 if start < today - timedelta(days=90) else 0,
            "next_review_due": next_review,
            "created_at": _at(submitted, 10) + timedelta(microseconds=index),
            "needs_specific_training": True,
            "mdt_organisations": json.dumps([CHS, council]),
            "oversight_interval_days": OVERSIGHT_EVERY,
            "frequency_times": times_a_day(str(case["frequency"])),  # as the service keeps it
            "updated_at": _at(start),
            "version": 1,
        }
        for w in workers:
            delegation.add("named_workers", {"delegation_id": delegation_id, "worker_id": w})
        dataset.delegations.append(delegation_id)
        since = _at(start)
        _relationship(
            shared_relationships, person, provider, RelationshipBasis.PROVIDER, delegation_id, since
        )
        _relationship(
            shared_relationships, person, owner, RelationshipBasis.OVERSIGHT, delegation_id, since
        )
        _relationship(
            shared_relationships, person, ICB, RelationshipBasis.COMMISSIONER, delegation_id, since
        )
        _reviews(delegation, rng, delegation_id, start, today, next_review)
        if handed_back:
            stopped = today - timedelta(days=rng.randint(0, 20))
            acknowledged = rng.random() < 0.5
            delegation.add(
                "handbacks",
                {
                    "id": _uuid(rng),
                    "delegation_id": delegation_id,
                    "person_id": person,
                    "task_code": task,
                    "direction": "health_to_social",
                    "oversight_kind": "primary_care" if primary else "community_health_services",
                    "oversight_owner": owner,
                    "provider_organisation": provider,
                    "reason": "handed_back",
                    "stopped_on": stopped,
                    "acknowledge_by": stopped + timedelta(days=2),
                    "status": "acknowledged" if acknowledged else "open",
                    "acknowledged_on": stopped if acknowledged else None,
                    "acknowledged_by": "dataset-nurse" if acknowledged else None,
                    "created_at": _at(stopped, 11) + timedelta(microseconds=index),
                    "version": 1,
                },
            )
            delegation.add("delegations", row | {"last_visited_on": None, "next_visit_due": None})
            continue
        visited = _oversight(delegation, rng, delegation_id, person, owner, start, today)
        due = (visited or start) + timedelta(days=OVERSIGHT_EVERY)  # as the service keeps it
        delegation.add("delegations", row | {"last_visited_on": visited, "next_visit_due": due})
        _delivery(delegation, rng, (delegation_id, person, provider), workers, start, today, visits)

    for worker, task in sorted(competent):
        delegation.add(
            "competences",
            {
                "worker_id": worker,
                "task_code": task,
                "scope": "*",
                "competent": True,
                "valid_until": today + timedelta(days=rng.randint(20, 700)),
            },
        )
    for service in SERVICES:
        columns, rows = shared_relationships.tables["relationships"]
        out[service].tables["relationships"] = (columns, rows)
    dataset.rows = {
        f"{service}.{table}": len(rows)
        for service, found in out.items()
        for table, (_, rows) in found.tables.items()
    }
    return out, dataset


def _reviews(
    rows: Rows, rng: random.Random, delegation_id: uuid.UUID, start: date, today: date, due: date
) -> None:
    """A year of reviews: the three-month one if within the year, the twelve-monthly one done,
    the next one due; now and then a change in need considered."""
    three_months = start + timedelta(days=91)
    if today - timedelta(days=365) <= three_months < today:
        _review(
            rows, rng, delegation_id, "three-months", three_months, "three_months_after_start", True
        )
    done = due - timedelta(days=365)
    if start < done < today:
        _review(rows, rng, delegation_id, f"twelve-monthly-{done}", done, "twelve_monthly", True)
    if rng.random() < 0.1:
        changed = today - timedelta(days=rng.randint(1, 300))
        if changed > start:
            _review(rows, rng, delegation_id, "change-1", changed, "change_in_need", True)
    _review(rows, rng, delegation_id, f"twelve-monthly-{due}", due, "twelve_monthly", False)


def _review(
    rows: Rows,
    rng: random.Random,
    delegation_id: uuid.UUID,
    trigger: str,
    due: date,
    reason: str,
    completed: bool,
) -> None:
    rows.add(
        "reviews",
        {
            "id": _uuid(rng),
            "delegation_id": delegation_id,
            "trigger": trigger,
            "due_date": due,
            "reason": reason,
            "mdt_reassessment": False,
            "status": "completed" if completed else "due",
            "completed_on": due if completed else None,
            "outcome": "continue" if completed else None,
            "framework_version": 1 if completed else None,
            "version": 1,
        },
    )


def _oversight(
    rows: Rows,
    rng: random.Random,
    delegation_id: uuid.UUID,
    person: uuid.UUID,
    owner: str,
    start: date,
    today: date,
) -> date | None:
    """An oversight visit every ten days over the last month; one task in twenty overdue. The
    last visit's day (None: none made)."""
    overdue = rng.random() < 0.05
    last = today - timedelta(days=rng.randint(11, 25) if overdue else rng.randint(0, 9))
    day, visited = last, None
    while day >= max(start, today - timedelta(days=DELIVERY_DAYS)):
        rows.add(
            "oversight_visits",
            {
                "id": _uuid(rng),
                "delegation_id": delegation_id,
                "person_id": person,
                "oversight_owner": owner,
                "visited_on": day,
                "findings": json.dumps(["no_concerns"]),
                "spot_checks": json.dumps([]),
                "actions": json.dumps([]),
                "notes": None,
                "next_due": day + timedelta(days=OVERSIGHT_EVERY),
                "recorded_by": "dataset-nurse",
                "recorded_at": _at(day, 15),
                "idempotency_key": None,
            },
        )
        visited = visited or day
        day -= timedelta(days=OVERSIGHT_EVERY)
    return visited


def _delivery(
    rows: Rows,
    rng: random.Random,
    task: tuple[uuid.UUID, uuid.UUID, str],
    workers: Sequence[uuid.UUID],
    start: date,
    today: date,
    visits: dict[tuple[uuid.UUID, date], uuid.UUID],
) -> None:
    """A month of applications twice a day (to yesterday), by the two named workers, one visit
    per worker a day; about one in a hundred missed."""
    delegation_id, person, provider = task
    for back in range(DELIVERY_DAYS, 0, -1):
        day = today - timedelta(days=back)
        if day < start:
            continue
        for slot, (worker, hour) in enumerate(zip(workers, (8, 18), strict=True), start=1):
            if rng.randrange(MISSED_ONE_IN) == 0:
                continue
            visit = visits.get((worker, day))
            if visit is None:
                visit = visits[(worker, day)] = _uuid(rng)
                rows.add(
                    "delivery_visits",
                    {
                        "id": visit,
                        "idempotency_key": None,
                        "organisation": provider,
                        "recorded_by": str(worker),
                        "recorded_at": _at(day, 21),
                    },
                )
            given = _at(day, hour, rng.randint(0, 59))
            rows.add(
                "delivery_records",
                {
                    "id": _uuid(rng),
                    "visit_id": visit,
                    "delegation_id": delegation_id,
                    "person_id": person,
                    "provider_organisation": provider,
                    "due_on": day,
                    "slot": slot,
                    "outcome": "given",
                    "reason": None,
                    "worker_id": worker,
                    "administered_at": given,
                    "observations": None,
                    "change_noticed": False,
                    "change": None,
                    "corrects": None,
                    "recorded_by": str(worker),
                    "recorded_at": given + timedelta(minutes=5),
                },
            )


# Parents before children (foreign keys).
ORDER = {
    "assessment": ("people", "relationships"),
    "delegation": (
        "people",
        "relationships",
        "proposals",
        "delegations",
        "named_workers",
        "competences",
        "reviews",
        "handbacks",
        "oversight_visits",
        "delivery_visits",
        "delivery_records",
    ),
    "training": ("workers", "relationships"),
}


def driver_url(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def write(urls: Mapping[str, str], rows: Mapping[str, Rows]) -> None:
    """COPY each table's rows into its service's (migrated) database, then ANALYZE it."""

    async def one(service: str) -> None:
        connection = await asyncpg.connect(driver_url(urls[service]))
        try:
            for table in ORDER[service]:
                if table not in rows[service].tables:
                    continue
                columns, records = rows[service].tables[table]
                await connection.copy_records_to_table(table, records=records, columns=columns)
            await connection.execute("ANALYZE")
        finally:
            await connection.close()

    await asyncio.gather(*(one(s) for s in SERVICES if s in urls))


async def generate(
    urls: Mapping[str, str], size: Size, today: date | None = None, seed: int = 20
) -> Dataset:
    """The data set in the services' databases (migrated, empty of it), as of `today`."""
    rows, dataset = build(size, today or datetime.now(UTC).date(), seed)
    await write(urls, rows)
    return dataset


def counts(dataset: Dataset) -> Iterable[str]:
    for table, n in sorted(dataset.rows.items()):
        yield f"{table}: {n:,}"


async def main(args: argparse.Namespace) -> None:
    from bench.common import fresh_database
    from services import registry
    from shared.service import Runtime
    from shared.testing.servers import postgres, running

    with running(postgres) as pg:
        urls = {}
        for service in SERVICES:
            url = urls[service] = await fresh_database(pg.address, f"llr_dataset_{service}")
            spec, service_settings = registry.by_name()[service]
            runtime = Runtime(spec.SPEC, service_settings.Settings(database_url=url))
            await runtime.migrate()
            await runtime.close()
        started = time.perf_counter()
        dataset = await generate(urls, Size().scaled(args.fraction))
        print(f"written in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        for line in counts(dataset):
            print(line)


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.dataset", description=__doc__)
    parser.add_argument("--fraction", type=float, default=0.01)
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(arguments()))
