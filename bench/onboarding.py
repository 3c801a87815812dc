"""`llr import` of 100,000 live delegations beside a bare `COPY` of the same rows.

The file is the documented delegations file (docs/onboarding.md), made up: the Deck's case study
for 100,000 people, two carers each. Delegation already knows the people (its projection of
assessment's PersonRegistered, written directly: the people file's import and its events are not
what is measured). The import runs every row through the API's handlers (proposal, MDT decision,
the migrated consent, competence and training plans, acceptance, going live) in batches of 500
rows a transaction. The baseline is PostgreSQL's `COPY` of the same file into a table of the
file's shape (every column text): the floor of any import. Target (issue 20): at most 5 minutes.

    python -m bench.run onboarding          (once wired in bench/run.py)
    python -m bench.onboarding [--quick]    on its own
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
from sqlalchemy import insert

from bench.common import Row, fresh_database
from services.delegation import main
from services.delegation.models import Person
from services.delegation.settings import Settings
from services.onboarding import command, delegations, examples, kinds
from services.onboarding.runner import import_file
from shared.service import Runtime
from shared.testing.servers import Server, postgres, running

ROWS = 100_000
QUICK_ROWS = 2_000
TARGET_SECONDS = 300.0


async def seed_people(runtime: Runtime, people: list[dict[str, object]]) -> None:
    async with runtime.sessions() as session:
        for first in range(0, len(people), 5_000):
            await session.execute(insert(Person), people[first : first + 5_000])
        await session.commit()


def given_file(directory: Path, rows: int) -> tuple[Path, list[dict[str, object]]]:
    made = list(examples.generated(rows))
    path = examples.write(directory / "delegations.csv", (row for _, row in made))
    people: list[dict[str, object]] = [
        {
            "person_id": person,
            "local_authority": "LEICESTER-CITY-COUNCIL",
            "gp_practice": "C82001",
            "setting": "own_home",
            "open_to_chs": True,
        }
        for person, _ in made
    ]
    return path, people


async def bare_copy(url: str, path: Path) -> float:
    """Seconds for `COPY` of the file into a table of its shape (every column text)."""
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        columns = ", ".join(f'"{c}" text' for c in delegations.COLUMNS)
        await connection.execute(f"CREATE TABLE bare_delegations ({columns})")
        started = time.perf_counter()
        await connection.copy_to_table("bare_delegations", source=path, format="csv", header=True)
        return time.perf_counter() - started
    finally:
        await connection.close()


async def timed_import(pg: Server, count: int, workers: int) -> tuple[float, float, Path]:
    """Wall seconds and this process's CPU seconds of `llr import` of `count` delegations
    (`workers` processes when more than one), on a fresh database."""
    url = await fresh_database(pg.address, f"bench_onboarding_{workers}")
    runtime = Runtime(main.SPEC, Settings(database_url=url))
    directory = Path(tempfile.mkdtemp())
    path, people = given_file(directory, count)
    try:
        await runtime.migrate()
        await seed_people(runtime, people)
        wall, cpu = time.perf_counter(), time.process_time()
        if workers == 1:
            summary = await import_file(runtime, kinds.DELEGATIONS, path, "bench")
        else:
            os.environ["DELEGATION_DATABASE_URL"] = url
            summary = await command.run_in_parts("delegations", path, workers, user_id="bench")
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    finally:
        await runtime.close()
    print(f"    {workers} process(es): {summary.line()}", file=sys.stderr)
    if summary.imported != count:
        raise RuntimeError(f"only {summary.imported} of {count} rows imported: {summary.line()}")
    return wall, cpu, path


async def onboarding_import(pg: Server, _broker: Server, quick: bool) -> list[Row]:
    count = QUICK_ROWS if quick else ROWS
    one, cpu, path = await timed_import(pg, count, 1)
    two, _, _ = await timed_import(pg, count, 2)
    url = await fresh_database(pg.address, "bench_onboarding_copy")
    copy_seconds = await bare_copy(url, path)
    print(f"    COPY {copy_seconds:.2f} s; the import's own CPU {cpu:.0f} s", file=sys.stderr)
    baseline = f"bare COPY of the same {count:,} rows"
    target = "100,000 rows in at most 300 s"
    return [
        Row(
            f"llr import, {count:,} live delegations",
            count / one, "rows/s", baseline, count / copy_seconds,
        ),
        Row(
            f"the same, time (for 100,000: {one * ROWS / count:,.0f} s)",
            one, "s", baseline, copy_seconds, target, one * ROWS / count <= TARGET_SECONDS,
        ),
        Row(
            f"the same, its process's CPU time (for 100,000: {cpu * ROWS / count:,.0f} s)",
            cpu, "s", baseline, copy_seconds,
        ),
        Row(
            f"llr import --workers 2, time (for 100,000: {two * ROWS / count:,.0f} s)",
            two, "s", baseline, copy_seconds, target, two * ROWS / count <= TARGET_SECONDS,
        ),
    ]  # fmt: skip


def main_cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_ROWS:,} rows")
    args = parser.parse_args()
    with running(postgres) as pg:
        rows = asyncio.run(onboarding_import(pg, pg, args.quick))
    for r in rows:
        print(f"{r.figure}: {r.value:,.1f} {r.unit}; {r.baseline}: {r.baseline_value:,.1f}")


if __name__ == "__main__":
    main_cli()
