"""Keep the load generator and the processes under test off each other's core, where possible.

The bench process (load generator, and the in-process relay and replay with their baselines)
runs on the last core; the server processes it starts run on the others. PostgreSQL and Kafka,
when the bench did not start them, run wherever the machine puts them.
"""

from __future__ import annotations

import os
import shutil

TASKSET = shutil.which("taskset")


# Read once, before this process pins itself.
CORES = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []


def load_core() -> int | None:
    cores = CORES
    return cores[-1] if TASKSET and len(cores) >= 2 else None


def server_cores() -> str | None:
    cores = CORES
    return ",".join(map(str, cores[:-1])) if TASKSET and len(cores) >= 2 else None


def pin_load_generator() -> str:
    """Pin this process (and the baselines it starts) to the load core; say what was done."""
    core = load_core()
    if core is None:
        return "not pinned (one core, or no taskset)"
    servers = server_cores()
    os.sched_setaffinity(0, {core})
    return f"load generator on core {core}, servers it starts on cores {servers}"


def on_server_cores(args: list[str]) -> list[str]:
    """A command line run on the server cores (unchanged where pinning is not possible)."""
    cores = server_cores()
    return [TASKSET, "-c", cores, *args] if TASKSET and cores else args
