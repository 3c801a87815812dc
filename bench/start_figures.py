"""Cold start and resident memory: the standalone process and each distributed process."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from bench.common import Row, fresh_database, settings
from bench.processes import Process, python
from services import registry
from shared.service import Runtime
from shared.testing.servers import Server

SERVICES = registry.by_name()

# BENCH_PORT moves every port the bench listens on (two benches on one machine).
BASE_PORT = int(os.environ.get("BENCH_PORT", "18300"))


def baseline(database_url: str) -> Process:
    return Process(
        python(
            "-m",
            "uvicorn",
            "bench.baseline_app:app",
            "--port",
            str(BASE_PORT),
            "--log-level",
            "warning",
        ),
        f"http://127.0.0.1:{BASE_PORT}/health",
        {"BENCH_DATABASE_URL": database_url},
    )


async def migrated(pg: Server, name: str) -> str:
    url = await fresh_database(pg.address, f"bench_start_{name}")
    main, _ = SERVICES[name]
    runtime = Runtime(main.SPEC, settings(url))
    await runtime.migrate()
    await runtime.close()
    return url


def cpu_seconds(process: Process) -> float:
    """The CPU time (user + system) the process has used so far: what its start costs, which a
    busy machine stretches far less than the wall-clock time."""
    assert process.popen is not None
    fields = Path(f"/proc/{process.popen.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(process: Process) -> tuple[float, float]:
    started, resident, _cpu = measure_cpu(process)
    return started, resident


def measure_cpu(process: Process) -> tuple[float, float, float]:
    with process:
        return process.started_in, process.rss_mb(), cpu_seconds(process)


async def cold_start_and_memory(pg: Server, broker: Server, quick: bool = False) -> list[Row]:
    base = baseline(await fresh_database(pg.address, "bench_start"))
    base_start, base_rss, base_cpu = measure_cpu(base)
    rows = []
    with tempfile.TemporaryDirectory() as data:
        standalone = Process(
            python("-m", "services.standalone", "--port", str(BASE_PORT + 1), "--data", data),
            f"http://127.0.0.1:{BASE_PORT + 1}/governance/ready",
        )
        first_start, _first_rss = measure(standalone)  # a new data folder: migrations run
        start, rss, cpu = measure_cpu(standalone)
    rows += [
        Row(
            "standalone start, first time (migrates 5 SQLite files)",
            first_start,
            "s",
            "bare FastAPI + PostgreSQL start",
            base_start,
        ),
        Row(
            "standalone start, all five services ready",
            start,
            "s",
            "bare FastAPI + PostgreSQL start",
            base_start,
            "<= 2 s",
            start <= 2,
        ),
        Row(
            "standalone start, CPU time to ready",
            cpu,
            "s",
            "bare FastAPI + PostgreSQL start",
            base_cpu,
        ),
        Row(
            "standalone resident memory",
            rss,
            "MB",
            "bare FastAPI + PostgreSQL",
            base_rss,
            "< 250 MB",
            rss < 250,
        ),
    ]
    if quick:  # the standalone figures only: each service's own start is for the full run
        return rows
    for offset, name in enumerate(SERVICES, start=2):
        url = await migrated(pg, name)
        prefix = name.upper()
        env = {
            f"{prefix}_DATABASE_URL": url,
            f"{prefix}_KAFKA_BOOTSTRAP": broker.address,
            f"{prefix}_API_PORT": str(BASE_PORT + offset),
            f"{prefix}_WORKER_PORT": str(BASE_PORT + 20 + offset),
            f"{prefix}_TOPIC_NAMESPACE": "benchstart.",
            f"{prefix}_DEV_SIGNING_KEY_FILE": str(Path(tempfile.gettempdir()) / "bench.pem"),
        }
        api = Process(
            python("-m", f"services.{name}.main"),
            f"http://127.0.0.1:{BASE_PORT + offset}/ready",
            env,
        )
        worker = Process(
            python("-m", f"services.{name}.worker"),
            f"http://127.0.0.1:{BASE_PORT + 20 + offset}/health",
            env,
        )
        for role, process in (("API", api), ("worker", worker)):
            started, resident = measure(process)
            rows += [
                Row(f"{name} {role} start", started, "s", "bare FastAPI + PostgreSQL", base_start),
                Row(
                    f"{name} {role} resident memory",
                    resident,
                    "MB",
                    "bare FastAPI + PostgreSQL",
                    base_rss,
                ),
            ]
    return rows
