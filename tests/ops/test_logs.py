"""Logs an operator can parse: every line of an API process is a JSON object (uvicorn's and
alembic's too), request lines carry the trace and span ids and the route, never a query string
or a body; the standalone platform logs its requests at INFO."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from shared.auth import Role
from shared.testing.plugin import repo_root
from shared.testing.servers import free_port
from tests.conftest import bearer

SECRET = "nhs-number-9434765919"


def started(
    command: list[str], env: dict[str, str], out: Path, health: str
) -> subprocess.Popen[bytes]:
    with out.open("wb") as sink:
        process = subprocess.Popen(
            command, cwd=repo_root(), stdout=sink, stderr=subprocess.STDOUT, env=env
        )
    for _ in range(300):
        try:
            if httpx.get(health, timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            pass
        if process.poll() is not None:
            raise AssertionError(out.read_text())
        time.sleep(0.1)
    process.kill()
    raise AssertionError(f"{health} never answered:\n{out.read_text()}")


def stopped(process: subprocess.Popen[bytes], out: Path) -> list[str]:
    process.send_signal(signal.SIGINT)
    process.wait(timeout=30)
    return [line for line in out.read_text().splitlines() if line.strip()]


def parsed(lines: list[str]) -> list[dict[str, Any]]:
    objects = []
    for line in lines:
        try:
            objects.append(json.loads(line))
        except ValueError:
            raise AssertionError(f"not JSON: {line!r}") from None
    return objects


@pytest.fixture(scope="module")
def api_lines(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    """The governance API as its own process on SQLite (migrated on start), asked a few things."""
    data = tmp_path_factory.mktemp("api-logs")
    port = free_port()
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "GOVERNANCE_DATABASE_URL": f"sqlite+aiosqlite:///{data / 'governance.db'}",
        "GOVERNANCE_MIGRATE_ON_START": "true",
        "GOVERNANCE_API_PORT": str(port),
        "GOVERNANCE_DEV_SIGNING_KEY_FILE": str(data / "key.pem"),
    }
    base = f"http://127.0.0.1:{port}"
    out = data / "api.log"
    process = started(
        [sys.executable, "-m", "services.governance.main"], env, out, f"{base}/health"
    )
    httpx.get(f"{base}/framework-versions?nhs={SECRET}", headers=bearer(Role.IPCB_MEMBER))
    httpx.post(f"{base}/framework-versions", json={"summary": SECRET})
    httpx.get(f"{base}/no-such-route?q={SECRET}")
    return stopped(process, out)


def test_every_line_of_an_api_process_is_json(api_lines: list[str]) -> None:
    objects = parsed(api_lines)

    loggers = {o.get("logger") for o in objects}
    assert {"uvicorn.error", "llr.requests"} <= loggers, loggers
    assert any(str(logger).startswith("alembic") for logger in loggers), loggers


def test_request_lines_carry_trace_ids_and_the_route_without_query_or_body(
    api_lines: list[str],
) -> None:
    requests = [o for o in parsed(api_lines) if o.get("logger") == "llr.requests"]

    assert {(r["method"], r["path"]) for r in requests} >= {
        ("GET", "/framework-versions"),
        ("POST", "/framework-versions"),
        ("GET", "unmatched"),
    }
    assert all(len(r["trace_id"]) == 32 and len(r["span_id"]) == 16 for r in requests)
    assert all(r["level"] == "info" and r["request_id"] for r in requests)
    assert not [line for line in api_lines if "\\u001b" in line]  # no terminal colours
    assert not [line for line in api_lines if SECRET in line]


def test_the_standalone_platform_logs_its_requests_at_info(tmp_path: Path) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out = tmp_path / "standalone.log"
    command = [sys.executable, "-m", "services.standalone", "--port", str(port)]
    process = started(
        [*command, "--data", str(tmp_path / "data")],
        {**os.environ, "PYTHONUNBUFFERED": "1"},
        out,
        f"{base}/governance/health",
    )
    httpx.get(f"{base}/delegation/delegations?after={SECRET}", headers=bearer(Role.MDT_MEMBER))
    lines = stopped(process, out)

    requests = [
        o
        for o in parsed([ln for ln in lines if ln.startswith("{")])
        if o.get("logger") == "llr.requests"
    ]
    assert any(r["path"] == "/delegations" and r["service"] == "delegation" for r in requests), (
        lines
    )
    assert not [line for line in lines if SECRET in line]
