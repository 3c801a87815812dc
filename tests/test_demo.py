"""`make demo` plays the case study through the HTTP APIs of a running standalone platform."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from shared.testing.plugin import repo_root


def test_the_demo_plays_the_case_study_to_a_live_delegation_at_no_extra_cost(
    standalone: tuple[str, Path],
) -> None:
    base, data = standalone
    port = base.rsplit(":", 1)[1]
    done = subprocess.run(
        [sys.executable, "-m", "services.demo", "--port", port, "--data", str(data)],
        cwd=repo_root(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "already running" in done.stdout
    for event in ("PersonRegistered", "DelegationDecided", "TaskDelegated", "FundingApportioned"):
        assert event in done.stdout
    assert "extra minutes a week: 0; payer LEICESTER-CITY-COUNCIL" in done.stdout  # R11, R19
