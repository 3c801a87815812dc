"""Reads at LLR scale (issue 20 item 5): the main lists and worklists at 50 requests a second
against the generated data set (`bench.dataset`), each p99 beside the bare insert endpoint's p99
at the same rate in the same run; the target is p99 <= 50 ms.

    python -m bench.reads              the full data set (100,000 people, 30,000 live delegations)
    python -m bench.reads --quick      a hundredth of it, fewer seconds per list
    python -m bench.run reads [--quick]

Each list is asked as the organisation that works it (a provider's manager, the oversight
owner's practitioner, the MDT, a care worker), its first page (`limit=50` where the list takes
one). `GET /worklist` is measured where the service has one.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from bench import load
from bench.common import Row, fresh_database
from bench.dataset import CHS, SERVICES, Dataset, Size, generate
from bench.http_figures import bearer, service_process
from bench.start_figures import BASE_PORT, baseline
from services import registry
from shared.auth import Role, dev_private_key, mint_token
from shared.service import Runtime
from shared.settings import ServiceSettings
from shared.testing.servers import Server, postgres, running

RATE = 50
SECONDS, QUICK_SECONDS = 10, 2
FRACTION, QUICK_FRACTION = 1.0, 0.01
WARM_UP = 20
SLOW_MS = 500  # a list slower than this alone is asked SLOW_REPEATS times in turn
SLOW_REPEATS = 5
ALONE_TIMEOUT = 120  # seconds
TARGET_MS = 50
PROVIDER = "CAREWELL-HOMECARE"
PORTS = {"assessment": BASE_PORT + 51, "delegation": BASE_PORT + 52, "training": BASE_PORT + 53}


@dataclass(frozen=True)
class Read:
    """One list as one caller asks for it."""

    name: str
    service: str
    path: str
    headers: Callable[[Dataset], dict[str, str]]


def as_role(role: Role, organisation: str) -> Callable[[Dataset], dict[str, str]]:
    return lambda _data: bearer(role, organisation)


def as_care_worker(data: Dataset) -> dict[str, str]:
    """A care worker signs in as the worker id training registered them under."""
    from bench.http_figures import KEY_FILE

    token = mint_token(
        dev_private_key(KEY_FILE),
        ServiceSettings(),
        role=Role.CARE_WORKER,
        organisation=PROVIDER,
        user_id=str(data.workers[PROVIDER][0]),
    )
    return {"Authorization": f"Bearer {token}"}


MANAGER = as_role(Role.PROVIDER_MANAGER, PROVIDER)
NURSE = as_role(Role.REGISTERED_PRACTITIONER, CHS)
MDT = as_role(Role.MDT_MEMBER, CHS)
COUNCIL = as_role(Role.REGISTERED_PRACTITIONER, "LEICESTERSHIRE-COUNTY-COUNCIL")

READS = (
    Read("people (a council)", "assessment", "/people?limit=50", COUNCIL),
    Read("delegations (a provider)", "delegation", "/delegations?limit=50", MANAGER),
    Read("delegations (the oversight owner)", "delegation", "/delegations?limit=50", NURSE),
    Read("handbacks (the oversight owner)", "delegation", "/handbacks?limit=50", NURSE),
    Read(
        "missed applications (a provider)", "delegation", "/missed-applications?limit=50", MANAGER
    ),
    Read("oversight visits due (the owner)", "delegation", "/oversight-visits/due?limit=50", NURSE),
    Read(
        "delegated tasks (a care worker)", "delegation", "/delegated-tasks?limit=50", as_care_worker
    ),
    Read(
        "proposals awaiting decision (MDT)",
        "delegation",
        "/proposals?state=submitted&limit=50",
        MDT,
    ),
    Read("workers (a provider)", "training", "/workers?limit=50", MANAGER),
    Read("worklist (a provider)", "delegation", "/worklist?limit=50", MANAGER),
    Read("worklist (the oversight owner)", "delegation", "/worklist?limit=50", NURSE),
    Read("worklist (MDT)", "delegation", "/worklist?limit=50", MDT),
)


async def databases(pg: Server) -> dict[str, str]:
    urls = {}
    for service in SERVICES:
        url = urls[service] = await fresh_database(pg.address, f"bench_reads_{service}")
        main, service_settings = registry.by_name()[service]
        runtime = Runtime(main.SPEC, service_settings.Settings(database_url=url))
        await runtime.migrate()
        await runtime.close()
    return urls


async def measure(
    read: Read, data: Dataset, seconds: float, quick: bool = False
) -> tuple[str, load.Result] | None:
    """The list at RATE a second, after a warm-up; None when the service has no such list. A
    list slower than SLOW_MS on its own is asked a few times one after another instead: at the
    rate it would only queue. In the quick mode so is one whose median alone is over the target
    already (load only adds to it): its queue at the rate took most of the quick run."""
    base = f"http://127.0.0.1:{PORTS[read.service]}"
    headers = read.headers(data)

    statuses: Counter[int] = Counter()

    async def get(client: httpx.AsyncClient, _i: int) -> httpx.Response:
        response = await client.get(read.path, headers=headers)
        statuses[response.status_code] += 1
        return response

    async with httpx.AsyncClient(base_url=base, timeout=ALONE_TIMEOUT) as client:
        try:
            await client.get(read.path, headers=headers)  # statements prepared, pages cached
            started = time.perf_counter()
            first = await client.get(read.path, headers=headers)
        except httpx.TimeoutException:
            timed_out = ALONE_TIMEOUT * 1000
            return f"no answer within {ALONE_TIMEOUT} s", load.Result(1, 1, [timed_out], 1)
        alone = (time.perf_counter() - started) * 1000
    if first.status_code in (404, 405):
        return None
    if first.status_code >= 400:
        return f"{first.status_code} {first.text[:120]}", load.Result(1, 1, [alone], 1)
    body = first.json()
    paged = isinstance(body, dict)
    items = body.get("items", []) if paged else body
    note = f"{len(items)} items{'' if paged else ', unpaginated'}"
    if alone > (TARGET_MS if quick else SLOW_MS):
        if alone > SLOW_MS * 4:  # seconds each: the one is the figure
            return f"{note}; once, alone: too slow to ask at the rate", load.Result(
                1, 1, [alone], 0
            )
        few = await load.closed_loop(base, get, SLOW_REPEATS, concurrency=1)
        if alone > SLOW_MS or few.p50 > TARGET_MS:
            over = f"p50 {few.p50:,.0f} ms alone, over the target before any load"
            return f"{note}; {SLOW_REPEATS} in turn: {over}", few
    warm = await load.closed_loop(base, get, WARM_UP, concurrency=1)
    statuses.clear()
    at_rate = await load.open_loop(base, get, RATE, seconds)
    failed = ", ".join(f"{n} x {code}" for code, n in sorted(statuses.items()) if code >= 400)
    note = f"{note}; p50 {warm.p50:,.0f} ms alone" + (f"; answered {failed}" if failed else "")
    return note, at_rate


async def reads_at_scale(pg: Server, _broker: Server, quick: bool = False) -> list[Row]:
    fraction, seconds = (QUICK_FRACTION, QUICK_SECONDS) if quick else (FRACTION, SECONDS)
    urls = await databases(pg)
    started = time.perf_counter()
    data = await generate(urls, Size().scaled(fraction))
    print(
        f"... data set ({data.size.people:,} people, {data.size.delegations:,} live delegations)"
        f" written in {time.perf_counter() - started:.0f} s",
        file=sys.stderr,
        flush=True,
    )
    base_url = await fresh_database(pg.address, "bench_reads_baseline")
    with baseline(base_url):
        bare = f"http://127.0.0.1:{BASE_PORT}"

        async def insert(client: httpx.AsyncClient, i: int) -> httpx.Response:
            return await client.post("/rows", json={"text": f"row {i}"})

        await load.closed_loop(bare, insert, 200)
        inserted = await load.open_loop(bare, insert, RATE, seconds)
    measured: list[tuple[Read, str, load.Result]] = []
    processes = [service_process(s, urls[s], PORTS[s], {"LOG_LEVEL": "WARNING"}) for s in SERVICES]
    for process in processes:
        process.start()
    try:
        for read in READS:
            print(f"... {read.name}", file=sys.stderr, flush=True)
            found = await measure(read, data, seconds, quick)
            if found is not None:
                measured.append((read, *found))
    finally:
        for process in reversed(processes):
            process.stop()
    label = f"{data.size.people:,} people, {data.size.delegations:,} live delegations"
    return [
        Row(
            f"GET {read.path.split('?')[0]}: {read.name} p99 at {RATE} req/s ({label}; {note}; "
            f"{result.errors} errors)",
            result.p99,
            "ms",
            "bare insert p99, same rate",
            inserted.p99,
            f"<= {TARGET_MS} ms",
            result.errors == 0 and result.p99 <= TARGET_MS,
        )
        for read, note, result in measured
    ]


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.reads", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    return parser.parse_args()


async def main(quick: bool) -> list[Row]:
    with running(postgres) as pg:  # no broker: the lists read what is written
        return await reads_at_scale(pg, pg, quick)


if __name__ == "__main__":
    from bench.run import print_table

    print_table(asyncio.run(main(arguments().quick)))
