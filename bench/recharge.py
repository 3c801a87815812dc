"""The monthly recharge run for 10,000 funded packages beside a bare query of the same rows.

The ICB funds 10,000 delegations (runs of funded minutes at its rates for 40 providers, a tenth
without prejudice) on PostgreSQL. The run is what a finance officer's `GET /recharges.csv` does for
one month: load the runs and rates, cost each run day by day, cut the settlements, render the CSV.
It is timed with no period issued, and as the open month after one and after six issued
months (it then also works out each issued month again to find adjustments). The baseline is
one SELECT of the same runs, every column, fetched. Each figure is the median of a few repetitions.

    python -m bench.run recharge
"""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, insert, or_, select

from bench.common import Row, fresh_database
from services.funding import main
from services.funding.domain import dates, recharges
from services.funding.domain.recharges import Cadence, Period
from services.funding.models import FundedDelegation, FundingSegment, Rate, RechargeStatement
from services.funding.queries import recharges as queries
from services.funding.settings import Settings
from shared.clock import MovableClock
from shared.service import Runtime
from shared.testing.servers import Server

PACKAGES = 10_000
QUICK_PACKAGES = 2_000
PROVIDERS = 40
ICB = "LLR-ICB"
MONTH = Period(Cadence.MONTHLY, date(2026, 3, 1), date(2026, 4, 1))
REPEATS = 5
HISTORY = 6  # issued months before the open one, each checked for adjustments


async def seed(runtime: Runtime, packages: int) -> None:
    """Rates for each provider and `packages` live delegations the ICB funds, started over the
    year before the month."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    providers = [f"PROVIDER-{i:04d}" for i in range(PROVIDERS)]
    rates = [
        {
            "id": uuid.uuid4(),
            "commissioner": ICB,
            "provider_organisation": p,
            "hourly_rate_pence": 2200 + 10 * i + step * 150,
            "effective_from": date(2025, 4, 1) + timedelta(days=365 * step),
            "recorded_by": "bench",
            "recorded_at": at,
        }
        for i, p in enumerate(providers)
        for step in (0, 1)  # a new rate from 1 April 2026: after the month
    ]
    delegations, segments = [], []
    for n in range(packages):
        delegation_id, person_id = uuid.uuid4(), uuid.uuid4()
        start = date(2025, 3, 1) + timedelta(days=n % 365)
        provider = providers[n % PROVIDERS]
        minutes = 15 * (1 + n % 20)
        pending = n % 10 == 0
        delegations.append(
            {
                "delegation_id": delegation_id,
                "person_id": person_id,
                "task_code": "TOPICAL-CREAM",
                "category": "skin_integrity_and_wound_care",
                "direction": "health_to_social",
                "accountable_organisation": ICB,
                "local_authority": "LEICESTER-CITY-COUNCIL",
                "provider_organisation": provider,
                "minutes_per_week": minutes,
                "start_date": start,
                "status": "live",
                "payer": ICB,
                "funding_pending": pending,
                "decided_on": None,
                "version": 1,
            }
        )
        segments.append(
            {
                "id": uuid.uuid4(),
                "delegation_id": delegation_id,
                "person_id": person_id,
                "payer": ICB,
                "provider_organisation": provider,
                "minutes_per_week": minutes,
                "effective_from": start,
                "effective_to": None,
                "without_prejudice": pending,
                "accrues_from": start,
                "awaiting_rate": False,
                "cause": "task_delegated",
                "recorded_at": at,
                "version": 1,
            }
        )
    async with runtime.sessions() as session:
        await session.execute(insert(Rate), rates)
        for first in range(0, packages, 2000):
            await session.execute(insert(FundedDelegation), delegations[first : first + 2000])
            await session.execute(insert(FundingSegment), segments[first : first + 2000])
        await session.commit()


async def run_month(runtime: Runtime) -> int:
    """The recharge run: the month's statement as a finance system imports it (CSV)."""
    async with runtime.sessions() as session:
        found = await queries.statement(session, ICB, MONTH)
        return len(queries.as_csv(queries.as_read(found)))


async def bare_query(runtime: Runtime) -> int:
    """The same runs, every column, one SELECT."""
    async with runtime.sessions() as session:
        rows = (
            await session.execute(
                select(FundingSegment.__table__).where(
                    FundingSegment.payer == ICB,
                    FundingSegment.effective_from < MONTH.end,
                    or_(
                        FundingSegment.effective_to.is_(None),
                        FundingSegment.effective_to > MONTH.start,
                    ),
                )
            )
        ).all()
        return len(rows)


async def issue(runtime: Runtime, months: int) -> None:
    """The `months` months before March issued as they stand (written directly, as the issue
    writes them), so that March is the open period."""
    async with runtime.sessions() as session:
        for back in range(1, months + 1):
            start = dates.add_months(MONTH.start, -back)
            period = recharges.starting(Cadence.MONTHLY, start)
            found = await queries.sources(session, ICB, period.start, period.end)
            lines = queries.lines_in(ICB, found, period)
            session.add(
                RechargeStatement(
                    id=uuid.uuid4(),
                    organisation=ICB,
                    cadence=period.cadence,
                    period_start=period.start,
                    period_end=period.end,
                    document={
                        "lines": [recharges.document(ln) for ln in lines],
                        "codes": {},
                        "fingerprint": queries.fingerprint(ICB, found, period),
                    },
                    total_pence=sum(ln.amount_pence for ln in lines),
                    issued_by="bench",
                    issued_at=datetime(2026, 3, 2, tzinfo=UTC),
                    idempotency_key=None,
                )
            )
        await session.commit()


async def median_ms(work: Callable[[Runtime], Awaitable[int]], runtime: Runtime) -> float:
    await work(runtime)  # warm: the first call pays for connections and statement caches
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        await work(runtime)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def monthly_recharge_run(pg: Server, _broker: Server, quick: bool) -> list[Row]:
    packages = QUICK_PACKAGES if quick else PACKAGES
    url = await fresh_database(pg.address, "bench_recharge")
    clock = MovableClock(datetime(2026, 4, 2, 9, 0, tzinfo=UTC))
    runtime = Runtime(main.SPEC, Settings(database_url=url), clock)
    try:
        await runtime.migrate()
        await seed(runtime, packages)
        rows = await bare_query(runtime)
        lines = await run_month(runtime)
        print(f"    {rows} runs, CSV of {lines:,} bytes", file=sys.stderr)
        bare = await median_ms(bare_query, runtime)
        run = await median_ms(run_month, runtime)
        await issue(runtime, 1)
        open_run = await median_ms(run_month, runtime)
        async with runtime.sessions() as session:
            await session.execute(delete(RechargeStatement))
            await session.commit()
        await issue(runtime, HISTORY)
        history_run = await median_ms(run_month, runtime)
    finally:
        await runtime.close()
    baseline = f"bare SELECT of the same {packages:,} runs"
    return [
        Row(f"monthly recharge run, {packages:,} packages (CSV)", run, "ms", baseline, bare),
        Row(
            f"the same as the open month after an issued one ({packages:,}, with adjustments)",
            open_run,
            "ms",
            baseline,
            bare,
        ),
        Row(
            f"the same after {HISTORY} issued months ({packages:,}, with adjustments)",
            history_run,
            "ms",
            baseline,
            bare,
        ),
    ]
