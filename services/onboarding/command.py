"""`llr import KIND FILE`: the service's database from its settings (distributed) or the
standalone data directory's SQLite file."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import TextIO

from services import registry, standalone
from services.onboarding.kinds import KINDS
from services.onboarding.runner import Summary, import_file
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
        )
    finally:
        await runtime.close()
