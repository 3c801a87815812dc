"""`llr import KIND FILE`: the service's database from its settings (distributed) or the
standalone data directory's SQLite file."""

from __future__ import annotations

import asyncio
import csv
import getpass
import json
import sys
import time
from pathlib import Path
from typing import TextIO

from services import registry, standalone
from services.onboarding.kinds import KINDS
from services.onboarding.progress import Progress
from services.onboarding.runner import (
    ERROR_HEADER,
    IDS_HEADER,
    FileRefused,
    Outputs,
    Part,
    Summary,
    check_header,
    import_file,
)
from shared.service import Runtime


def runtime_for(service: str, data: Path | None) -> Runtime:
    if data is None:
        main, settings = registry.by_name()[service]
        return Runtime(main.SPEC, settings.Settings())
    return next(r for r in standalone.runtimes(data) if r.spec.name == service)


__all__ = ["KINDS", "run"]


async def run(
    kind_name: str,
    path: Path,
    *,
    data: Path | None = None,
    user_id: str | None = None,
    batch_size: int = 500,
    out_dir: Path | None = None,
    from_start: bool = False,
    progress: TextIO | None = None,
    part: Part = Part(),
) -> Summary:
    """Import one file into its service; standalone (`data`) migrates its SQLite file first."""
    kind = KINDS[kind_name]
    runtime = runtime_for(kind.service, data)
    try:
        if data is not None:
            await runtime.migrate()
        return await import_file(
            runtime,
            kind,
            path,
            user_id or getpass.getuser(),
            batch_size=batch_size,
            out_dir=out_dir,
            from_start=from_start,
            progress=progress,
            part=part,
        )
    finally:
        await runtime.close()


async def run_in_parts(
    kind_name: str,
    path: Path,
    workers: int,
    *,
    user_id: str | None = None,
    batch_size: int = 500,
    out_dir: Path | None = None,
    from_start: bool = False,
    progress: TextIO | None = None,
) -> Summary:
    """`--workers N` (PostgreSQL): N processes, each importing a contiguous part of the file
    with its own checkpoint, so each resumes on its own; their files merged when all are done."""
    out = out_dir or path.parent
    total = check_header(path, KINDS[kind_name])
    started = time.monotonic()
    options = ["--out", str(out), "--batch", str(batch_size)]
    options += ["--operator", user_id or getpass.getuser()]
    options += ["--from-start"] if from_start else []
    children = [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "services.cli",
            "import",
            kind_name,
            str(path),
            "--part",
            f"{k}/{workers}",
            *options,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        for k in range(workers)
    ]
    parts = [Outputs.beside(path, out, Part(k, workers)) for k in range(workers)]
    watching = asyncio.create_task(watch(kind_name, total, parts, progress))
    said = [await child.communicate() for child in children]
    watching.cancel()
    failed = [error.decode().strip() for told, error in said if b"rows read" not in told]
    if failed:  # a part that did not finish: run the same command again to resume it
        raise FileRefused("; ".join(failed))
    summary = merge(kind_name, path, out, parts)
    summary.rows, summary.seconds = total, time.monotonic() - started
    return summary


async def watch(kind: str, total: int, parts: list[Outputs], stream: TextIO | None) -> None:
    """One progress bar for every part, from their checkpoints."""
    bar, shown = Progress(kind, total, stream), 0
    while True:
        await asyncio.sleep(1.0)
        done = sum(committed(p.checkpoint) for p in parts)
        bar.advance(done - shown)
        shown = done


def committed(checkpoint: Path) -> int:
    try:
        return int(json.loads(checkpoint.read_text())["rows"])
    except (OSError, ValueError, KeyError):
        return 0


def merge(kind: str, path: Path, out: Path, parts: list[Outputs]) -> Summary:
    """The parts' errors and ids as one file each, in row order; the summary they add up to."""
    whole = Outputs.beside(path, out)
    summary = Summary(kind, outputs=vars(whole))
    for name, header in (("errors", ERROR_HEADER), ("ids", IDS_HEADER)):
        rows: list[list[str]] = []
        for part in parts:
            with getattr(part, name).open(newline="") as f:
                rows += list(csv.reader(f))[1:]
        rows.sort(key=lambda r: int(r[0]))
        with getattr(whole, name).open("w", newline="") as f:
            csv.writer(f).writerows([header, *rows])
        if name == "errors":
            summary.refused = len({r[0] for r in rows})
        else:
            summary.imported = sum(r[3] == "imported" for r in rows)
            summary.already = sum(r[3] == "already_imported" for r in rows)
    return summary
