"""`make bench`: the platform's figures beside baselines measured in the same run, on this machine.

Each figure is printed with its baseline and the ratio between them; the machines are noisy, so the
ratio is what to compare between runs. Targets are the issue's; a missed target is said plainly.

    python -m bench.run              every figure (several minutes)
    python -m bench.run --quick      every figure of the issue on less work (about 150 s)
    python -m bench.run pipeline     only the sections whose name holds the word
`make bench QUICK=1` (or `QUICK=1 make bench`) is the quick mode too.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections.abc import Callable, Coroutine
from typing import Any

from bench import delivery, http_figures, onboarding, pipeline, reads, recharge, start_figures
from bench.common import Row
from bench.cores import pin_load_generator
from bench.processes import ROOT
from shared.testing.servers import Server, kafka, postgres, running

Section = Callable[[Server, Server, bool], Coroutine[Any, Any, list[Row]]]
# Each section takes `quick`: fewer requests and events, the same figures.
SECTIONS: list[Section] = [
    http_figures.decision_endpoint,
    http_figures.commit_to_effect,
    pipeline.relay_and_replay,
    start_figures.cold_start_and_memory,
    recharge.monthly_recharge_run,
    reads.reads_at_scale,
    delivery.delivery_records,
    onboarding.onboarding_import,
]


def print_table(rows: list[Row]) -> None:
    print()
    print("| figure | value | baseline (same run) | ratio | target | met |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        met = "" if r.met is None else ("yes" if r.met else "NO")
        print(
            f"| {r.figure} | {r.value:,.1f} {r.unit} | {r.baseline}: {r.baseline_value:,.1f} "
            f"| {r.ratio:.2f} | {r.target} | {met} |"
        )


async def main(only: str | None, quick: bool) -> list[Row]:
    rows: list[Row] = []
    with running(postgres) as pg, running(kafka) as broker:
        for fn in SECTIONS:
            if only and only not in fn.__name__:
                continue
            print(f"... {fn.__name__}", file=sys.stderr, flush=True)
            started = time.perf_counter()
            rows += await fn(pg, broker, quick)
            took = time.perf_counter() - started
            print(f"... {fn.__name__} took {took:.0f} s", file=sys.stderr, flush=True)
    return rows


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("only", nargs="?", help="run only the sections whose name holds this")
    parser.add_argument(
        "--quick",
        action="store_true",
        default=os.environ.get("QUICK", "") not in ("", "0"),
        help="every figure on fewer requests and events (about 150 s); or QUICK=1",
    )
    return parser.parse_args()


if __name__ == "__main__":
    args = arguments()
    print(pin_load_generator(), file=sys.stderr)
    started = time.perf_counter()
    results = asyncio.run(main(args.only, args.quick))
    print_table(results)
    print(f"\n({'quick, ' if args.quick else ''}{time.perf_counter() - started:.0f} s)")
    out = ROOT / "bench" / "last-run.json"
    out.write_text(json.dumps([r.__dict__ | {"ratio": r.ratio} for r in results], indent=2))
