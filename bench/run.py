"""`make bench`: the platform's figures beside baselines measured in the same run, on this machine.

Each figure is printed with its baseline and the ratio between them; the machines are noisy, so the
ratio is what to compare between runs. Targets are the issue's; a missed target is said plainly.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from bench import http_figures, pipeline, start_figures
from bench.common import Row
from bench.processes import ROOT
from shared.testing.servers import Server, kafka, postgres, running

Section = Callable[[Server, Server], Coroutine[Any, Any, list[Row]]]
SECTIONS: list[Section] = [
    http_figures.decision_endpoint,
    http_figures.commit_to_effect,
    pipeline.relay_and_replay,
    start_figures.cold_start_and_memory,
]


def print_table(rows: list[Row]) -> None:
    print()
    print("| figure | value | baseline | ratio | target | met |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        met = "" if r.met is None else ("yes" if r.met else "NO")
        print(
            f"| {r.figure} | {r.value:,.1f} {r.unit} | {r.baseline}: {r.baseline_value:,.1f} "
            f"| {r.ratio:.2f} | {r.target} | {met} |"
        )


async def main(only: str | None) -> list[Row]:
    rows: list[Row] = []
    with running(postgres) as pg, running(kafka) as broker:
        for fn in SECTIONS:
            if only and only not in fn.__name__:
                continue
            print(f"... {fn.__name__}", file=sys.stderr, flush=True)
            rows += await fn(pg, broker)
    return rows


if __name__ == "__main__":
    results = asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else None))
    print_table(results)
    out = ROOT / "bench" / "last-run.json"
    out.write_text(json.dumps([r.__dict__ | {"ratio": r.ratio} for r in results], indent=2))
