"""Start a server process, time it until it answers, read its resident memory, stop it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from bench.cores import on_server_cores

ROOT = Path(__file__).resolve().parents[1]


class Process:
    def __init__(self, args: list[str], health_url: str, env: dict[str, str] | None = None) -> None:
        self.args = args
        self.health_url = health_url
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
        self.popen: subprocess.Popen[bytes] | None = None
        self.started_in = 0.0

    def start(self, timeout: float = 60) -> float:
        """Seconds from exec until the health URL answers 200."""
        started = time.perf_counter()
        self.popen = subprocess.Popen(
            self.args,
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        while time.perf_counter() - started < timeout:
            if self.popen.poll() is not None:
                raise RuntimeError(f"{self.args} exited with {self.popen.returncode}")
            try:
                if httpx.get(self.health_url, timeout=0.5).status_code == 200:
                    self.started_in = time.perf_counter() - started
                    return self.started_in
            except httpx.HTTPError:
                pass
            time.sleep(0.02)
        raise TimeoutError(f"{self.args} did not answer within {timeout}s")

    def rss_mb(self) -> float:
        assert self.popen is not None
        for line in Path(f"/proc/{self.popen.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self) -> None:
        if self.popen is not None and self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()

    def __enter__(self) -> Process:
        self.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()


def python(*args: str) -> list[str]:
    """A Python server process, on the server cores."""
    return on_server_cores([sys.executable, *args])
